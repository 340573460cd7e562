/**
 * The console CSS for calls and callbacks: the call bar under the top bar, the incoming-call
 * prompt floating over every screen, and the callback tasks (inbox view and visitor panel).
 * Appended to the console stylesheet, so it is adopted the same way (no inline styles).
 */

/** The call and callback CSS. */
export const CALL_CSS = /* css */ `
/* Calls */
.pc-views ul { flex-wrap: wrap; }
.pc-call {
  display: flex; align-items: center; gap: 10px; padding: 6px 14px; flex: none; flex-wrap: wrap;
  background: var(--pc-ok-soft); color: var(--pc-text); border-bottom: 1px solid var(--pc-line);
}
.pc-call[data-phase="ringing"] { background: var(--pc-accent-soft); }
.pc-call-icon, .pc-ring-icon {
  flex: none; width: 10px; height: 10px; border-radius: 50%; background: var(--pc-ok);
}
.pc-call[data-phase="ringing"] .pc-call-icon, .pc-ring-icon { background: var(--pc-accent); animation: pc-pulse 1.2s ease-in-out infinite; }
@keyframes pc-pulse { 50% { opacity: .3; } }
.pc-call-who { font-weight: 600; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.pc-call-status { color: var(--pc-muted); }
.pc-call-timer { font-variant-numeric: tabular-nums; font-weight: 600; }
.pc-call-quality { font-size: 12px; padding: 1px 8px; border-radius: 10px; background: var(--pc-panel); }
.pc-call-quality--good { color: var(--pc-ok); }
.pc-call-quality--weak { color: var(--pc-warn); }
.pc-call-quality--poor { color: var(--pc-bad); }
.pc-call-audio { display: none; }
.pc-toggle-button[aria-pressed="true"] { background: var(--pc-warn-soft); border-color: var(--pc-warn); color: var(--pc-warn); }
.pc-button--hangup { background: var(--pc-bad); border-color: var(--pc-bad); color: var(--pc-accent-text); }
.pc-button--hangup:hover { filter: brightness(1.08); border-color: var(--pc-bad); }
.pc-ring {
  position: fixed; top: 60px; right: 16px; z-index: 10; width: min(360px, calc(100vw - 32px));
  display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 10px 12px; align-items: center; padding: 14px 16px;
  background: var(--pc-panel); border: 1px solid var(--pc-accent); border-radius: 12px; box-shadow: 0 12px 32px rgba(16, 24, 40, .18);
}
.pc-ring-title { font-weight: 600; font-size: 15px; overflow-wrap: anywhere; }
.pc-ring-text { color: var(--pc-muted); font-size: 13px; }
.pc-ring-actions { grid-column: 1 / -1; display: flex; gap: 8px; justify-content: flex-end; }
.pc-button--accept { background: var(--pc-ok); border-color: var(--pc-ok); color: var(--pc-accent-text); }

/* Callback tasks */
.pc-tasks { display: grid; gap: 8px; padding: 8px; }
.pc-visitor .pc-tasks { padding: 0; }
.pc-task {
  display: grid; gap: 4px; padding: 10px 12px; border: 1px solid var(--pc-line); border-radius: var(--pc-radius);
  background: var(--pc-panel); font-size: 13px;
}
.pc-task[data-status="done"], .pc-task[data-status="unreachable"] { opacity: .75; }
.pc-task-head { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.pc-task-phone { font-weight: 600; font-size: 14px; font-variant-numeric: tabular-nums; }
.pc-task-window { color: var(--pc-text); }
.pc-task-note { white-space: pre-wrap; overflow-wrap: anywhere; color: var(--pc-muted); border-left: 2px solid var(--pc-line); padding-left: 8px; }
.pc-task-meta { color: var(--pc-muted); font-size: 12px; }
.pc-task-actions { display: flex; gap: 6px; flex-wrap: wrap; margin-top: 2px; }
.pc-badge--muted { background: var(--pc-bg); color: var(--pc-muted); }
@media (prefers-reduced-motion: reduce) {
  .pc-call-icon, .pc-ring-icon { animation: none !important; }
}
`;
