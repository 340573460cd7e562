/**
 * What the page's developer reads in the console when the widget cannot work: one line naming
 * the cause and the fix. A refusal's line is long and needed by almost no page, so it lives in
 * its own chunk (`diagnosis/refusal.ts`); the relay is up to serve it when a page is refused.
 */
import type { WidgetContext } from './context.js';

/** Prints the one line for a session the relay will not give (`code` from `SessionError`). */
export function reportRefused(ctx: WidgetContext, code: string): void {
  const refusal = { relay: ctx.origin, page: location.origin, siteKey: ctx.options.siteKey, code };
  import('../diagnosis/refusal.js').then(
    (m) => m.reportRefusal(refusal),
    () => console.error(`Parley: ${ctx.origin} refused site "${refusal.siteKey}" on this page.`),
  );
}

/** Prints, once per page, that the relay cannot be reached (the widget keeps retrying). */
export function reportUnreachable(ctx: WidgetContext): void {
  if (ctx.reportedUnreachable || navigator.onLine === false) return;
  ctx.reportedUnreachable = true;
  const relay = ctx.origin;
  console.warn(
    `Parley: cannot reach ${relay}; retrying. Is it running, https for an https page, and allowed by the page's CSP (connect-src ${relay} ${relay.replace(/^http/, 'ws')})?`,
  );
}
