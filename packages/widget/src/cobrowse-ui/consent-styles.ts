/**
 * The co-browse UI chunk's CSS: the sharing frame and bar. Adopted into the widget's shadow root
 * beside the core's sheet when the chunk loads; the prompt uses the core's `ask`, `primary` and
 * `secondary` classes, which the call chunk shares.
 */
export const CONSENT_CSS = `
.cb-frame{position:fixed;inset:0;border:3px solid #e8467c;pointer-events:none}
.cb-frame.control{border-width:4px}
.cb-bar{position:fixed;top:8px;left:50%;transform:translateX(-50%);display:flex;align-items:center;gap:10px;
max-width:calc(100vw - 16px);padding:6px 6px 6px 14px;border-radius:22px;background:#1b1f27;color:#fff;
box-shadow:0 4px 14px rgba(0,0,0,.3)}
.cb-dot{width:8px;height:8px;border-radius:50%;background:#e8467c;flex:none}
.cb-text{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.cb-stop{flex:none;height:36px;padding:0 14px;border-radius:18px;font-weight:600;background:#e8467c;color:#fff}
@media (forced-colors:active){.cb-bar,.cb-frame{border:1px solid CanvasText}}
`;
