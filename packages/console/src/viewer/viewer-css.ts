/**
 * The viewer page's own stylesheet: the stage the mirror is scaled on, the visitor's mouse
 * cursor and click ring (rrweb's replayer draws them as `.replayer-mouse`, positioned in the
 * visitor's CSS pixels, and leaves their look to the page), the agent's overlay and the floating
 * text box for remote typing. The bundler takes TypeScript only, so the CSS lives here.
 */

/** The visitor's cursor: an arrow whose tip is the element's top-left corner (the pointed point). */
const CURSOR_SVG =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='16' height='20' viewBox='0 0 16 20'%3E" +
  "%3Cpath d='M1 1v15.5l4-3.6 2.6 5.6 2.6-1.2-2.6-5.5H13z' fill='%23111' stroke='%23fff' stroke-width='1.2' stroke-linejoin='round'/%3E%3C/svg%3E";

/** The viewer CSS. Own class names start with `pv-`. */
export const VIEWER_CSS = /* css */ `
html, body { margin: 0; height: 100%; overflow: hidden; background: #e4e7ec; }
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #4a5467; }
@media (prefers-color-scheme: dark) { html, body { background: #0e1014; color: #9aa3b2; } }
.pv-stage { position: fixed; inset: 0; overflow: hidden; }
.pv-screen { position: absolute; left: 0; top: 0; transform-origin: 0 0; box-shadow: 0 2px 18px rgba(16, 24, 40, .22); }
.pv-screen--pending { visibility: hidden; }
.pv-empty { position: absolute; inset: 0; display: grid; place-items: center; text-align: center; padding: 16px; }
.replayer-wrapper { position: relative; }
.replayer-wrapper > iframe { border: 0; background: #fff; }
.replayer-mouse {
  position: absolute; width: 16px; height: 20px; pointer-events: none;
  background: url("${CURSOR_SVG}") no-repeat 0 0 / contain; transition: left .06s linear, top .06s linear;
}
.replayer-mouse::after {
  content: ""; position: absolute; left: -12px; top: -12px; width: 24px; height: 24px; box-sizing: border-box;
  border-radius: 50%; border: 2px solid rgba(47, 91, 234, .95); opacity: 0; transform: scale(.3);
}
.replayer-mouse.active::after { animation: pv-click .45s ease-out; }
.replayer-mouse.touch-device {
  background: none; width: 30px; height: 30px; margin: -15px 0 0 -15px; border-radius: 50%;
  border: 3px solid rgba(47, 91, 234, 0); box-sizing: border-box;
}
.replayer-mouse.touch-device.touch-active { border-color: rgba(47, 91, 234, .85); }
.replayer-mouse.touch-device::after { left: 0; top: 0; }
@keyframes pv-click { from { opacity: 1; transform: scale(.3); } to { opacity: 0; transform: scale(1.5); } }
.pv-overlay { position: absolute; inset: 0; }
.pv-overlay[data-tool="none"] { pointer-events: none; }
.pv-overlay[data-tool="pointer"], .pv-overlay[data-tool="highlight"] { cursor: crosshair; }
.pv-overlay[data-tool="control"] { cursor: default; }
.pv-mark {
  position: absolute; pointer-events: none; border-radius: 3px; outline: 3px solid #f5a524; outline-offset: 2px;
  animation: pv-fade 3s ease-in forwards;
}
@keyframes pv-fade { 0%, 70% { opacity: 1; } 100% { opacity: 0; } }
.pv-type {
  position: absolute; box-sizing: border-box; min-width: 180px; max-width: 90vw; padding: 6px 8px;
  font: 14px/1.4 system-ui, sans-serif; color: #1c2330; background: #fff; border: 2px solid #2f5bea; border-radius: 6px;
  box-shadow: 0 4px 16px rgba(16, 24, 40, .2);
}
.pv-type[hidden] { display: none; }
textarea.pv-type { min-height: 64px; resize: vertical; }
@media (prefers-reduced-motion: reduce) {
  .replayer-mouse { transition: none; }
  .replayer-mouse.active::after, .pv-mark { animation: none; }
}
`;

/** Applies the viewer CSS to `doc` (a constructable sheet where there is one, else a style element). */
export function applyViewerStyles(doc: Document): void {
  if ('adoptedStyleSheets' in doc && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(VIEWER_CSS);
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
    return;
  }
  const style = doc.createElement('style');
  style.textContent = VIEWER_CSS;
  doc.head.appendChild(style);
}
