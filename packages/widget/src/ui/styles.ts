/**
 * The widget's only CSS, adopted into its shadow root as a constructable stylesheet (no `<style>`
 * element, no `style` attribute: both are blocked under `style-src 'self'`). `:host` rules are
 * `!important` because inside a shadow tree important declarations beat the page's, so hostile
 * page CSS cannot move, hide or restyle the host; selectors here cannot reach the page.
 * `.root` covers the visual viewport (`--vl`, `--vt`, `--vw`, `--vh`, set on the host by
 * `use-visual-viewport.ts` through the CSSOM, which a strict CSP allows) and lets clicks through;
 * launcher and panel are placed inside it, so they stay on what a phone's visitor sees.
 */
export const WIDGET_CSS = `
:host{all:initial!important;display:block!important;position:fixed!important;inset:auto 0 0 auto!important;
width:0!important;height:0!important;margin:0!important;padding:0!important;border:0!important;
z-index:2147483647!important;visibility:visible!important;opacity:1!important;transform:none!important;
filter:none!important;contain:none!important;pointer-events:auto!important;overflow:visible!important}
*,*::before,*::after{box-sizing:border-box;margin:0;padding:0}
.root{position:fixed;left:var(--vl,0);top:var(--vt,0);width:var(--vw,100%);height:var(--vh,100%);pointer-events:none;
--accent:#2450c8;--accent-ink:#fff;--bg:#fff;--ink:#1b1f27;--muted:#5b6372;--line:#dfe3ea;--soft:#f1f3f7;
--danger:#b3261e;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Apple SD Gothic Neo","Malgun Gothic",sans-serif;
color:var(--ink);text-align:left;direction:ltr;letter-spacing:normal;word-spacing:normal;text-transform:none;
-webkit-font-smoothing:antialiased}
.root>*{pointer-events:auto}
@media (prefers-color-scheme:dark){.root{--bg:#1b1e25;--ink:#eceef3;--muted:#a7aebb;--line:#343945;--soft:#262a33;--danger:#ff8a80}}
button,textarea{font:inherit;color:inherit;letter-spacing:inherit}
button{background:none;border:0;cursor:pointer}
:focus{outline:none}
:focus-visible{outline:3px solid #f5b400;outline-offset:2px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}
.launcher-wrap{position:absolute;right:20px;bottom:20px}
.launcher{display:grid;place-items:center;width:56px;height:56px;border-radius:50%;background:var(--accent);
color:var(--accent-ink);box-shadow:0 4px 14px rgba(0,0,0,.25);transition:transform .15s ease}
.launcher:hover{transform:scale(1.06)}
.launcher svg{width:26px;height:26px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;
background:var(--danger);color:#fff;font-size:12px;font-weight:700;line-height:22px;text-align:center;
border:2px solid #fff;pointer-events:none}
.panel{position:absolute;right:20px;bottom:92px;width:370px;height:min(620px,calc(100% - 112px));min-height:320px;
display:flex;flex-direction:column;background:var(--bg);border-radius:16px;overflow:hidden;
box-shadow:0 12px 40px rgba(0,0,0,.28);animation:rise .18s ease-out}
@keyframes rise{from{opacity:0;transform:translateY(12px)}to{opacity:1;transform:none}}
.header{display:flex;align-items:flex-start;gap:8px;padding:16px 12px 14px 18px;background:var(--accent);color:var(--accent-ink)}
.heading{flex:1;min-width:0}
.title{font-size:16px;font-weight:700;line-height:1.3}
.subtitle{display:flex;align-items:center;gap:6px;margin-top:2px;font-size:13px;opacity:.92}
.dot{width:8px;height:8px;border-radius:50%;background:#9aa3b2;flex:none}
.dot.on{background:#3ddc84}
.icon-button{display:grid;place-items:center;width:36px;height:36px;border-radius:8px;flex:none}
.icon-button:hover{background:rgba(255,255,255,.16)}
.icon-button:disabled{opacity:.5}
.icon-button svg{width:20px;height:20px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round}
.banner{padding:8px 18px;background:#fff4d6;color:#5c4400;font-size:13px}
.banner:empty{display:none}
.log{flex:1;overflow-y:auto;overscroll-behavior:contain;padding:16px 14px;display:flex;flex-direction:column;gap:8px}
.empty{margin:auto;max-width:240px;color:var(--muted);text-align:center}
.msg{display:flex;flex-direction:column;max-width:82%;align-self:flex-start}
.msg.visitor{align-self:flex-end;align-items:flex-end}
.msg.system{align-self:center;max-width:100%;color:var(--muted);font-size:12px;text-align:center}
.author{font-size:12px;color:var(--muted);margin:0 4px 2px}
.bubble{padding:8px 12px;border-radius:14px;background:var(--soft);white-space:pre-wrap;overflow-wrap:anywhere}
.visitor .bubble{background:var(--accent);color:var(--accent-ink);border-bottom-right-radius:4px}
.agent .bubble{border-bottom-left-radius:4px}
.system .bubble{background:none;padding:2px}
.status{font-size:11px;color:var(--muted);margin:2px 4px 0}
.msg[data-status=failed] .status{color:var(--danger)}
.msg[data-status=sending] .bubble{opacity:.75}
.typing{min-height:20px;padding:0 18px 4px;font-size:12px;color:var(--muted)}
.composer{display:flex;align-items:flex-end;gap:8px;padding:10px 12px 12px;border-top:1px solid var(--line)}
.field{flex:1;display:flex;flex-direction:column;gap:2px;min-width:0}
.input{width:100%;resize:none;border:1px solid var(--line);border-radius:10px;padding:9px 11px;background:var(--bg);
max-height:132px;overflow-y:auto;line-height:1.4}
.input:focus-visible{outline:2px solid var(--accent);outline-offset:0}
.counter{font-size:11px;color:var(--muted);text-align:right}
.counter.over{color:var(--danger);font-weight:600}
.send{height:40px;padding:0 16px;border-radius:10px;background:var(--accent);color:var(--accent-ink);font-weight:600;flex:none}
.send[aria-disabled=true]{opacity:.55;cursor:default}
.ask{margin:12px 14px 0;padding:14px;border:1px solid var(--line);border-radius:12px;background:var(--soft)}
.ask-title{font-size:15px;font-weight:700;margin-bottom:4px}
.ask p{font-size:13px;color:var(--muted)}
.ask-actions{display:flex;gap:8px;margin-top:12px}
.ask-actions button{height:36px;padding:0 14px;border-radius:9px;font-weight:600}
.primary{background:var(--accent);color:var(--accent-ink)}
.secondary{border:1px solid var(--line)!important;background:var(--bg)}
.cb-layer{position:fixed;inset:0;pointer-events:none;overflow:hidden}
@media (max-width:479.98px){
.panel{inset:0;width:auto;height:auto;min-height:0;border-radius:0;bottom:0;right:0}
.open .launcher-wrap{display:none}}
@media (prefers-reduced-motion:reduce){*,*::before,*::after{animation:none!important;transition:none!important}}
@media (forced-colors:active){.launcher,.send,.bubble,.badge{border:1px solid CanvasText}}
`;
