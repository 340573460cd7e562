/**
 * Keeping a valid visitor session: the first one at boot, a fresh one when the relay stops
 * accepting the token, and a check over HTTP while reconnecting fails (a refused upgrade looks
 * like any network error to a browser; only the HTTP answer says what is wrong).
 */
import { CLOSE_CODES } from '@parley/protocol';
import { setConnectivity } from './connection.js';
import type { WidgetContext } from './context.js';
import { reportRefused, reportUnreachable } from './diagnosis.js';
import { requestSession, SessionError } from './session.js';
import type { VisitorUser } from './session.js';

/** Takes a token from the relay and stores it (once storage is allowed). */
export function setToken(ctx: WidgetContext, token: string): void {
  if (token === ctx.token) return;
  ctx.token = token;
  ctx.storage.write('token', token);
}

/**
 * Asks the relay for a session; false when there is none. Unless `quiet`, an unreachable relay
 * hands over to the socket's backoff, which refreshes as it goes.
 */
export async function refreshSession(ctx: WidgetContext, user?: VisitorUser, quiet = false): Promise<boolean> {
  try {
    const session = await requestSession(ctx.origin, ctx.options.siteKey, ctx.token, user);
    // A shutdown while the request was out has cleared storage: writing the token would undo it.
    if (ctx.stopped) return false;
    ctx.visitorId = session.visitorId;
    setToken(ctx, session.token);
    return true;
  } catch (error) {
    if (ctx.stopped) return false;
    if (error instanceof SessionError && error.code === 'identity_invalid' && user) {
      // A wrong hash must not lock the visitor out: continue anonymous.
      return refreshSession(ctx, undefined, quiet);
    }
    if (error instanceof SessionError && error.fatal) {
      // Asking again cannot succeed: stop everything that would, and say why once.
      ctx.socket.stop();
      setConnectivity(ctx, 'unavailable');
      reportRefused(ctx, error.code);
      return false;
    }
    if (error instanceof SessionError && error.code === 'network') reportUnreachable(ctx);
    if (!quiet) ctx.socket.start();
    return false;
  }
}

/** The relay closed with a fatal code: one fresh session may fix a refused token, nothing else can. */
export async function socketOnFatal(ctx: WidgetContext, code: number): Promise<void> {
  if (code === CLOSE_CODES.unauthorized && !ctx.refreshedAfterFatal) {
    ctx.refreshedAfterFatal = true;
    if (await refreshSession(ctx)) ctx.socket.start();
    return;
  }
  setConnectivity(ctx, 'unavailable');
  // A refused refresh has said why already; these two closes have not.
  reportRefused(ctx, code === CLOSE_CODES.versionMismatch ? 'version_mismatch' : 'unauthorized');
}

/** Every third failed attempt, checks the session over HTTP before trying the socket again. */
export async function socketBeforeReconnect(ctx: WidgetContext, attempt: number): Promise<void> {
  if (attempt % 3 === 2) await refreshSession(ctx, undefined, true);
}
