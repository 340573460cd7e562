/**
 * The call chunk's CSS, adopted into the widget's shadow root beside the core's sheet when the
 * chunk first draws. It builds on the core's classes (`ask`, `primary`, `secondary`, `root`).
 * The floating bar keeps to the visual viewport's bottom right (`--vl`, `--vt`, `--vw`, `--vh`,
 * set on the shadow host), so it stays on a phone's screen when the page is wider than it.
 */
export const CALL_CSS = `
.call{display:flex;flex-wrap:wrap;align-items:center;gap:4px 10px}
.call .ask-actions{margin:0 0 0 auto}
.call-float{position:fixed;left:calc(var(--vl,0px) + var(--vw,100vw) - 20px);top:calc(var(--vt,0px) + var(--vh,100vh) - 92px);
transform:translate(-100%,-100%);width:min(370px,calc(var(--vw,100vw) - 40px));height:auto}
.call-float .ask{margin:0;background:var(--bg);box-shadow:0 4px 14px rgba(0,0,0,.25)}
[role=timer]{font-weight:700;font-variant-numeric:tabular-nums}
.q{font-size:12px;color:var(--muted)}
.end{background:var(--danger);color:#fff}
.call [aria-pressed=true]{background:var(--ink);color:var(--bg)}
.cbf{display:grid;gap:4px}
.cbf label{font-size:13px;font-weight:600;margin-top:4px}
.cbf input,.cbf select,.cbf textarea{font:inherit;color:inherit;width:100%;padding:7px 9px;border:1px solid var(--line);border-radius:8px;background:var(--bg);resize:none}
.cbf [aria-invalid=true]{border-color:var(--danger)}
.cbf .err{color:var(--danger)}
.cbs{margin:8px 14px 0;font-size:13px;color:var(--muted)}
`;
