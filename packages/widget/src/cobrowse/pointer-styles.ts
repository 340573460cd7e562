/**
 * CSS of the agent's pointer and highlight, adopted into the widget's shadow root as a
 * constructable stylesheet (allowed under a strict `style-src`). Positions are set per frame
 * through the CSSOM (`element.style.left`), which a Content-Security-Policy does not block.
 */
export const POINTER_CSS = `
[data-parley-pointer]{position:fixed;left:0;top:0;pointer-events:none;transition:opacity .4s ease}
[data-parley-pointer].fade{opacity:0}
[data-parley-pointer=pointer] svg{display:block;width:22px;height:22px;fill:#e8467c;stroke:#fff;stroke-width:1.5;
filter:drop-shadow(0 1px 2px rgba(0,0,0,.4))}
[data-parley-pointer=pointer] span{display:block;margin:2px 0 0 14px;padding:2px 8px;border-radius:10px;background:#e8467c;
color:#fff;font:600 12px/1.4 system-ui,sans-serif;white-space:nowrap}
[data-parley-pointer=highlight]{outline:3px solid #e8467c;outline-offset:2px;border-radius:4px;
background:rgba(232,70,124,.12)}
@media (prefers-reduced-motion:reduce){[data-parley-pointer]{transition:none}}
@media (forced-colors:active){[data-parley-pointer=highlight]{outline-color:Highlight}}
`;
