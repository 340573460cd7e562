/**
 * The console CSS for co-browse: the viewer beside the chat, the tools, the waiting bar, and the
 * wider layout while a page is shared (the visitor panel becomes a drawer, as on medium screens).
 * Appended to the console stylesheet, so it is adopted the same way (no inline styles).
 */

/** The co-browse CSS. */
export const COBROWSE_CSS = /* css */ `
/* Co-browse */
.pc-conv-actions { flex-wrap: wrap; justify-content: flex-end; }
.pc-conv-body { flex: 1; min-height: 0; display: flex; flex-direction: column; }
.pc-chat { flex: 1; min-height: 0; min-width: 0; display: flex; flex-direction: column; }
.pc-conv--cobrowse .pc-conv-body { display: grid; grid-template-columns: minmax(0, 1fr) minmax(300px, 36%); }
.pc-conv--cobrowse .pc-chat { border-left: 1px solid var(--pc-line); }
.pc-cobrowse-wait {
  display: flex; align-items: center; gap: 12px; padding: 8px 16px; background: var(--pc-accent-soft);
  color: var(--pc-accent); border-bottom: 1px solid var(--pc-line);
}
.pc-cobrowse-wait p { flex: 1; font-weight: 500; }
.pc-cobrowse { display: flex; flex-direction: column; min-width: 0; min-height: 0; background: var(--pc-panel); }
.pc-cobrowse-tools {
  display: flex; align-items: center; gap: 6px; padding: 6px 10px; flex-wrap: wrap; border-bottom: 1px solid var(--pc-line);
}
.pc-tool[aria-pressed="true"] { background: var(--pc-accent-soft); border-color: var(--pc-accent); color: var(--pc-accent); }
.pc-button--danger { color: var(--pc-bad); }
.pc-button--danger:hover { border-color: var(--pc-bad); background: var(--pc-bad-soft); }
.pc-cobrowse-status {
  display: flex; gap: 10px; align-items: baseline; min-height: 26px; padding: 4px 12px; font-size: 12px; color: var(--pc-muted);
  border-bottom: 1px solid var(--pc-line);
}
.pc-cobrowse-url { flex: 0 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; color: var(--pc-text); }
.pc-cobrowse-size { flex: none; font-variant-numeric: tabular-nums; }
.pc-viewer { position: relative; flex: 1; min-height: 0; background: var(--pc-bg); }
.pc-viewer-frame { position: absolute; inset: 0; width: 100%; height: 100%; border: 0; display: block; }
.pc-viewer[data-live="false"] .pc-viewer-frame { opacity: .55; }
.pc-viewer-frame:focus-visible { border-radius: 0; box-shadow: inset var(--pc-focus); }

.pc-app[data-cobrowse="true"] .pc-columns { grid-template-columns: 300px minmax(0, 1fr); position: relative; }
.pc-app[data-cobrowse="true"] .pc-details-toggle { display: inline-flex; }
.pc-app[data-cobrowse="true"] .pc-visitor {
  position: absolute; top: 0; right: 0; bottom: 0; width: min(340px, 90vw); z-index: 2;
  box-shadow: -8px 0 24px rgba(16, 24, 40, .12); display: none;
}
.pc-app[data-cobrowse="true"] .pc-visitor--open { display: flex; }
@media (max-width: 960px) {
  .pc-conv--cobrowse .pc-conv-body { grid-template-columns: minmax(0, 1fr); grid-template-rows: minmax(240px, 1fr) minmax(220px, 40%); }
  .pc-conv--cobrowse .pc-chat { border-left: 0; border-top: 1px solid var(--pc-line); }
}
@media (max-width: 720px) {
  .pc-app[data-cobrowse="true"] .pc-columns { grid-template-columns: minmax(0, 1fr); }
}
`;
