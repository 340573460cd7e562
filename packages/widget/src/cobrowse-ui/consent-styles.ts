/**
 * The co-browse UI chunk's CSS: the sharing frame and bar. Adopted into the widget's shadow root
 * beside the core's sheet when the chunk loads; the prompt uses the core's `ask`, `primary` and
 * `secondary` classes, which the call chunk shares. Frame and bar follow the visual viewport
 * (`--vl`, `--vt`, `--vw`, `--vh`, set on the shadow host), so they stay on a phone's screen when
 * the page is wider than it.
 */
export const CONSENT_CSS = `
.cb-frame{position:fixed;left:var(--vl,0);top:var(--vt,0);width:var(--vw,100%);height:var(--vh,100%);border:3px solid #e8467c;pointer-events:none}
.cb-frame.control{border-width:4px}
.cb-bar{position:fixed;top:calc(var(--vt,0px) + 8px);left:calc(var(--vl,0px) + var(--vw,100vw)/2);transform:translateX(-50%);display:flex;align-items:center;gap:10px;
max-width:calc(var(--vw,100vw) - 16px);padding:6px 6px 6px 14px;border-radius:22px;background:#1b1f27;color:#fff;
box-shadow:0 4px 14px rgba(0,0,0,.3)}
.cb-dot{width:8px;height:8px;border-radius:50%;background:#e8467c;flex:none}
.cb-text{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.cb-stop{flex:none;height:36px;padding:0 14px;border-radius:18px;font-weight:600;background:#e8467c;color:#fff}
@media (forced-colors:active){.cb-bar,.cb-frame{border:1px solid CanvasText}}
`;
