/**
 * The console's stylesheet. The page's CSP (`style-src 'self'`) forbids inline `<style>` and
 * `style=""`, so the CSS is applied as a constructable stylesheet through
 * `document.adoptedStyleSheets`, which the CSP does not govern.
 */

import { CALL_CSS } from './call-styles.js';
import { COBROWSE_CSS } from './cobrowse-styles.js';

/** The console CSS. Class names start with `pc-`. */
export const CONSOLE_CSS = /* css */ `
:root {
  --pc-bg: #f6f7f9; --pc-panel: #fff; --pc-line: #e3e6eb; --pc-text: #1c2330; --pc-muted: #677285;
  --pc-accent: #2f5bea; --pc-accent-soft: #e8eefe; --pc-accent-text: #fff;
  --pc-ok: #137a3c; --pc-ok-soft: #e3f5ea; --pc-warn: #8a5a00; --pc-warn-soft: #fff3d6;
  --pc-bad: #b42318; --pc-bad-soft: #fdecea; --pc-own: #2f5bea; --pc-visitor-bubble: #f0f2f5;
  --pc-focus: 0 0 0 3px rgba(47, 91, 234, .45);
  --pc-radius: 8px;
  color-scheme: light;
}
@media (prefers-color-scheme: dark) {
  :root {
    --pc-bg: #111318; --pc-panel: #181b22; --pc-line: #2a2f3a; --pc-text: #e6e9ef; --pc-muted: #9aa3b2;
    --pc-accent: #6d8dff; --pc-accent-soft: #1f2a4d; --pc-accent-text: #0d1020;
    --pc-ok: #5fd38d; --pc-ok-soft: #173325; --pc-warn: #f3c35b; --pc-warn-soft: #3a2e12;
    --pc-bad: #ff8a80; --pc-bad-soft: #3b1a18; --pc-own: #3d5ccc; --pc-visitor-bubble: #232733;
    --pc-focus: 0 0 0 3px rgba(109, 141, 255, .6);
    color-scheme: dark;
  }
}
*, *::before, *::after { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body {
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans KR", sans-serif;
  background: var(--pc-bg); color: var(--pc-text); -webkit-font-smoothing: antialiased;
}
#app { height: 100%; }
h1, h2, h3, p, ul, ol, dl, dd { margin: 0; padding: 0; }
ul, ol { list-style: none; }
a { color: var(--pc-accent); }
button, input, textarea { font: inherit; color: inherit; }
:focus-visible { outline: none; box-shadow: var(--pc-focus); border-radius: 6px; }
.pc-visually-hidden {
  position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
.pc-muted { color: var(--pc-muted); }
.pc-spacer { flex: 1; }

/* Buttons */
.pc-button {
  display: inline-flex; align-items: center; gap: 6px; border: 1px solid var(--pc-line); background: var(--pc-panel);
  border-radius: 6px; padding: 6px 12px; cursor: pointer; font-weight: 500; white-space: nowrap;
}
.pc-button:hover { border-color: var(--pc-muted); }
.pc-button:disabled { opacity: .55; cursor: default; }
.pc-button--primary { background: var(--pc-accent); border-color: var(--pc-accent); color: var(--pc-accent-text); }
.pc-button--primary:hover { filter: brightness(1.08); border-color: var(--pc-accent); }
.pc-button--ghost { background: transparent; border-color: transparent; }
.pc-button--ghost:hover { background: var(--pc-accent-soft); border-color: transparent; }
.pc-button--small { padding: 4px 10px; font-size: 13px; }
.pc-button--block { width: 100%; justify-content: center; padding: 9px 12px; }
.pc-link-button { border: 0; background: none; padding: 0; color: inherit; text-decoration: underline; cursor: pointer; }

/* Brand */
.pc-brand { display: flex; align-items: center; gap: 8px; font-weight: 700; letter-spacing: -.01em; }
.pc-brand--large { font-size: 20px; margin-bottom: 12px; }
.pc-brand-mark {
  width: 18px; height: 18px; border-radius: 6px 6px 6px 2px; background: var(--pc-accent); display: inline-block;
}

/* Sign-in */
.pc-signin { min-height: 100%; display: grid; place-items: center; padding: 24px; }
.pc-signin-card {
  width: min(380px, 100%); background: var(--pc-panel); border: 1px solid var(--pc-line); border-radius: 12px;
  padding: 28px; display: grid; gap: 14px; box-shadow: 0 8px 30px rgba(16, 24, 40, .06);
}
.pc-signin-card h1 { font-size: 16px; font-weight: 600; }
.pc-field { display: grid; gap: 4px; font-weight: 500; }
.pc-field input {
  border: 1px solid var(--pc-line); border-radius: 6px; padding: 8px 10px; background: var(--pc-bg); font-weight: 400;
}
.pc-field input:focus-visible { border-color: var(--pc-accent); border-radius: 6px; }
.pc-signin-error { color: var(--pc-bad); background: var(--pc-bad-soft); padding: 8px 10px; border-radius: 6px; }
.pc-signin-message { color: var(--pc-warn); background: var(--pc-warn-soft); padding: 8px 10px; border-radius: 6px; }

/* Frame */
.pc-app { height: 100%; display: flex; flex-direction: column; }
.pc-top {
  display: flex; align-items: center; gap: 12px; padding: 0 14px; height: 48px; flex: none;
  background: var(--pc-panel); border-bottom: 1px solid var(--pc-line);
}
.pc-conn { display: inline-flex; align-items: center; gap: 6px; color: var(--pc-muted); font-size: 13px; }
.pc-conn-dot { width: 8px; height: 8px; border-radius: 50%; background: var(--pc-warn); }
.pc-conn--online .pc-conn-dot { background: var(--pc-ok); }
.pc-conn--offline .pc-conn-dot { background: var(--pc-bad); }
.pc-conn--reconnecting { color: var(--pc-warn); }
.pc-me { color: var(--pc-muted); font-size: 13px; max-width: 180px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.pc-toggle-box {
  width: 26px; height: 14px; border-radius: 7px; background: var(--pc-line); position: relative; transition: background .15s;
}
.pc-toggle-box::after {
  content: ""; position: absolute; top: 2px; left: 2px; width: 10px; height: 10px; border-radius: 50%;
  background: var(--pc-panel); transition: transform .15s;
}
.pc-toggle[aria-pressed="true"] .pc-toggle-box { background: var(--pc-accent); }
.pc-toggle[aria-pressed="true"] .pc-toggle-box::after { transform: translateX(12px); }
.pc-notice {
  display: flex; align-items: center; gap: 12px; justify-content: space-between; padding: 6px 14px;
  background: var(--pc-warn-soft); color: var(--pc-warn); border-bottom: 1px solid var(--pc-line);
}
.pc-columns {
  flex: 1; min-height: 0; display: grid; grid-template-columns: 340px minmax(0, 1fr) 300px;
}

/* Inbox */
.pc-inbox { display: flex; flex-direction: column; min-height: 0; background: var(--pc-panel); border-right: 1px solid var(--pc-line); }
.pc-views ul { display: flex; gap: 2px; padding: 8px; border-bottom: 1px solid var(--pc-line); }
.pc-views li { flex: 1 1 auto; min-width: 0; }
.pc-view {
  width: 100%; display: flex; align-items: center; justify-content: center; gap: 4px; border: 0; background: transparent;
  padding: 6px 5px; border-radius: 6px; cursor: pointer; color: var(--pc-muted); font-weight: 500; font-size: 13px; white-space: nowrap;
}
.pc-view-label { overflow: hidden; text-overflow: ellipsis; }
.pc-view:hover { background: var(--pc-bg); color: var(--pc-text); }
.pc-view[aria-current="page"] { background: var(--pc-accent-soft); color: var(--pc-accent); }
.pc-count {
  flex: none; min-width: 18px; padding: 0 4px; border-radius: 9px; background: var(--pc-bg); font-size: 11px; line-height: 18px; text-align: center;
  font-variant-numeric: tabular-nums;
}
.pc-view[aria-current="page"] .pc-count { background: var(--pc-panel); }
.pc-list { flex: 1; overflow-y: auto; padding: 4px 0; }
.pc-row {
  width: 100%; display: grid; grid-template-columns: minmax(0, 1fr) auto; grid-template-areas: "name time" "text dot";
  column-gap: 8px; row-gap: 2px; text-align: left; border: 0; background: transparent; padding: 9px 14px 9px 16px;
  cursor: pointer; border-left: 3px solid transparent; border-radius: 0;
}
.pc-row:hover { background: var(--pc-bg); }
.pc-row[aria-current="true"] { background: var(--pc-accent-soft); border-left-color: var(--pc-accent); }
.pc-row:focus-visible { border-radius: 0; box-shadow: inset var(--pc-focus); }
.pc-row-name { grid-area: name; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.pc-row-text { grid-area: text; color: var(--pc-muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-size: 13px; }
.pc-row--unread .pc-row-text { color: var(--pc-text); font-weight: 500; }
.pc-row-time { grid-area: time; color: var(--pc-muted); font-size: 12px; font-variant-numeric: tabular-nums; }
.pc-row-presence {
  display: inline-block; width: 8px; height: 8px; margin-right: 6px; border-radius: 50%; box-sizing: border-box;
  border: 1.5px solid var(--pc-muted); vertical-align: 1px;
}
.pc-row-presence--on { border-color: var(--pc-ok); background: var(--pc-ok); }
.pc-dot { grid-area: dot; align-self: center; justify-self: end; width: 8px; height: 8px; border-radius: 50%; background: var(--pc-accent); }
.pc-empty { padding: 24px 16px; color: var(--pc-muted); text-align: center; }

/* Conversation */
.pc-conv { display: flex; flex-direction: column; min-width: 0; min-height: 0; background: var(--pc-bg); }
.pc-conv--empty { align-items: center; justify-content: center; }
.pc-placeholder { max-width: 340px; text-align: center; color: var(--pc-muted); display: grid; gap: 6px; padding: 24px; }
.pc-placeholder-title { color: var(--pc-text); font-weight: 600; font-size: 15px; }
.pc-conv-head {
  display: flex; align-items: center; gap: 10px; padding: 8px 16px; min-height: 52px;
  background: var(--pc-panel); border-bottom: 1px solid var(--pc-line); flex-wrap: wrap;
}
.pc-conv-title-wrap { display: flex; align-items: center; gap: 8px; min-width: 0; flex: 1 1 160px; }
.pc-conv-title { font-size: 15px; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.pc-conv-title:focus { outline: none; }
.pc-conv-actions { display: flex; gap: 6px; }
.pc-back, .pc-details-toggle { display: none; }
.pc-badge {
  display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 500; white-space: nowrap;
  background: var(--pc-bg); color: var(--pc-muted);
}
.pc-badge--ok { background: var(--pc-ok-soft); color: var(--pc-ok); }
.pc-badge--warn { background: var(--pc-warn-soft); color: var(--pc-warn); }
.pc-badge--info { background: var(--pc-accent-soft); color: var(--pc-accent); }
.pc-log { flex: 1; overflow-y: auto; padding: 16px 20px 8px; display: flex; flex-direction: column; gap: 10px; }
.pc-log:focus-visible { box-shadow: inset var(--pc-focus); border-radius: 0; }
.pc-log-loading { color: var(--pc-muted); text-align: center; margin: auto; }
.pc-msg { max-width: min(640px, 80%); align-self: flex-start; display: grid; gap: 2px; }
.pc-msg--own, .pc-msg--agent { align-self: flex-end; }
.pc-msg-meta { display: flex; gap: 8px; align-items: baseline; font-size: 12px; color: var(--pc-muted); }
.pc-msg--agent .pc-msg-meta { justify-content: flex-end; }
.pc-msg-author { font-weight: 600; color: var(--pc-text); }
.pc-msg-text {
  white-space: pre-wrap; overflow-wrap: anywhere; padding: 8px 12px; border-radius: 12px 12px 12px 4px;
  background: var(--pc-visitor-bubble); border: 1px solid var(--pc-line);
}
.pc-msg--agent .pc-msg-text { background: var(--pc-accent-soft); border-color: transparent; border-radius: 12px 12px 4px 12px; }
.pc-msg--own .pc-msg-text { background: var(--pc-own); color: #fff; }
.pc-msg--pending .pc-msg-text { opacity: .75; }
.pc-msg[data-status="failed"] .pc-msg-text { background: var(--pc-bad-soft); color: var(--pc-text); border: 1px dashed var(--pc-bad); }
.pc-msg-status { font-size: 11px; color: var(--pc-muted); justify-self: end; }
.pc-msg-status--failed { color: var(--pc-bad); }
.pc-msg--system {
  align-self: center; max-width: 90%; display: block; text-align: center; font-size: 12px; color: var(--pc-muted);
  font-style: italic; padding: 2px 10px; border-radius: 10px; background: transparent;
}
.pc-msg--system .pc-msg-text { display: inline; padding: 0; border: 0; background: none; white-space: normal; }
.pc-msg--system time { font-style: normal; opacity: .8; margin-left: 4px; }
.pc-typing { min-height: 20px; padding: 0 20px; font-size: 12px; color: var(--pc-muted); font-style: italic; }
.pc-composer { margin: 0 16px 16px; background: var(--pc-panel); border: 1px solid var(--pc-line); border-radius: 10px; }
.pc-composer:focus-within { border-color: var(--pc-accent); }
.pc-reply {
  display: block; width: 100%; resize: none; border: 0; background: transparent; padding: 10px 12px; min-height: 64px; max-height: 40vh;
}
.pc-reply:focus-visible { box-shadow: none; }
.pc-composer-bar { display: flex; align-items: center; justify-content: space-between; gap: 8px; padding: 6px 8px 8px 12px; }
.pc-hint { font-size: 12px; color: var(--pc-muted); }

/* Visitor */
.pc-visitor {
  background: var(--pc-panel); border-left: 1px solid var(--pc-line); overflow-y: auto; padding: 14px 16px 24px;
  display: flex; flex-direction: column; gap: 16px; min-height: 0;
}
.pc-visitor-title { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--pc-muted); font-weight: 600; }
.pc-vhead { display: flex; gap: 12px; align-items: flex-start; }
.pc-avatar {
  flex: none; width: 40px; height: 40px; border-radius: 50%; display: grid; place-items: center; font-weight: 700;
  background: var(--pc-accent-soft); color: var(--pc-accent); font-size: 16px;
}
.pc-vhead-text { min-width: 0; display: grid; gap: 2px; }
.pc-vname { font-weight: 600; font-size: 15px; overflow-wrap: anywhere; }
.pc-vemail { color: var(--pc-muted); overflow-wrap: anywhere; }
.pc-badges { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin-top: 4px; }
.pc-presence { display: inline-flex; align-items: center; gap: 5px; font-size: 12px; color: var(--pc-muted); }
.pc-presence::before { content: ""; width: 7px; height: 7px; border-radius: 50%; background: var(--pc-line); }
.pc-presence--on { color: var(--pc-ok); }
.pc-presence--on::before { background: var(--pc-ok); }
.pc-vsection { display: grid; gap: 6px; }
.pc-vsection h3 { font-size: 12px; font-weight: 600; color: var(--pc-muted); }
.pc-page { display: grid; gap: 2px; }
.pc-page-title { font-weight: 500; overflow-wrap: anywhere; }
.pc-url { font-size: 12px; color: var(--pc-muted); overflow-wrap: anywhere; }
.pc-props { display: grid; gap: 3px; }
.pc-prop { display: grid; grid-template-columns: minmax(80px, 40%) minmax(0, 1fr); gap: 8px; font-size: 13px; }
.pc-prop dt { color: var(--pc-muted); overflow-wrap: anywhere; }
.pc-prop dd { overflow-wrap: anywhere; }
.pc-trail { display: grid; gap: 6px; }
.pc-trail li { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 2px 8px; font-size: 13px; }
.pc-trail time { color: var(--pc-muted); font-size: 12px; }
.pc-trail .pc-props { grid-column: 1 / -1; padding-left: 10px; border-left: 2px solid var(--pc-line); }
.pc-event-name { font-weight: 500; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
.pc-past { display: grid; gap: 4px; }
.pc-past-row {
  width: 100%; text-align: left; display: grid; gap: 1px; border: 1px solid var(--pc-line); background: transparent;
  border-radius: 6px; padding: 6px 8px; cursor: pointer;
}
.pc-past-row:hover { border-color: var(--pc-muted); }
.pc-past-text { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.pc-past-meta { font-size: 12px; color: var(--pc-muted); }

/* Medium screens: the visitor panel becomes a drawer opened from the conversation header. */
@media (max-width: 1100px) {
  .pc-columns { grid-template-columns: 300px minmax(0, 1fr); position: relative; }
  .pc-details-toggle { display: inline-flex; }
  .pc-visitor {
    position: absolute; top: 0; right: 0; bottom: 0; width: min(340px, 90vw); z-index: 2;
    box-shadow: -8px 0 24px rgba(16, 24, 40, .12); display: none;
  }
  .pc-visitor--open { display: flex; }
}
/* Narrow screens: one column; the inbox until a conversation is open, then the conversation. */
@media (max-width: 720px) {
  .pc-columns { grid-template-columns: minmax(0, 1fr); }
  .pc-app[data-selected="true"] .pc-inbox { display: none; }
  .pc-app[data-selected="false"] .pc-conv { display: none; }
  .pc-back { display: inline-flex; }
  .pc-me, .pc-conn-extra, .pc-hint { display: none; }
  .pc-msg { max-width: 92%; }
}
${COBROWSE_CSS}
${CALL_CSS}
@media (prefers-reduced-motion: reduce) {
  * { transition: none !important; }
}
`;

/**
 * Applies the console CSS to `doc` as a constructable stylesheet. Idempotent per document.
 * Returns false where constructable stylesheets are unavailable.
 */
export function adoptStyles(doc: Document): boolean {
  if (!('adoptedStyleSheets' in doc) || typeof CSSStyleSheet !== 'function' || !('replaceSync' in CSSStyleSheet.prototype)) return false;
  const sheets = [...doc.adoptedStyleSheets];
  if (sheets.some((s) => (s as CSSStyleSheet & { _parley?: boolean })._parley)) return true;
  const sheet = new CSSStyleSheet() as CSSStyleSheet & { _parley?: boolean };
  sheet.replaceSync(CONSOLE_CSS);
  sheet._parley = true;
  doc.adoptedStyleSheets = [...sheets, sheet];
  return true;
}
