/**
 * The visitor session: a relay-signed visitor token from `POST /api/visitors`. A stored token is
 * sent back so the relay keeps the same visitor; a `user` with a valid hash maps the visitor to
 * the host page's user.
 */

/** The host page's user, as `boot({ user })` or `identify` names them. */
export interface VisitorUser {
  userId: string;
  userHash?: string;
  name?: string;
  email?: string;
}

/** What `POST /api/visitors` answers. */
export interface VisitorSession {
  token: string;
  visitorId: string;
}

/**
 * Why no session could be had; `fatal` errors are not retried. `refused` means the relay is up
 * but would not let this page read its answer: the site key is unknown there, or the page's
 * origin is not allowed for it (the browser hides which; the relay's log names it).
 */
export class SessionError extends Error {
  /** The relay's error code, `refused` (see above), or `network` when the relay could not be reached. */
  readonly code: string;
  readonly fatal: boolean;

  constructor(code: string, fatal: boolean) {
    super(`Parley session failed: ${code}`);
    this.name = 'SessionError';
    this.code = code;
    this.fatal = fatal;
  }
}

/** Wait before an unreadable answer from a relay that is up is asked again. */
const REFUSAL_RECHECK_MS = 1000;

/**
 * True when the relay at `origin` answers at all: the loader file is served to every page with
 * a CORS grant, so this request is readable wherever the widget runs (and never cached).
 */
async function relayAnswers(origin: string): Promise<boolean> {
  try {
    await fetch(`${origin}/parley.js`, { method: 'HEAD', cache: 'no-store', credentials: 'omit' });
    return true;
  } catch {
    return false;
  }
}

/** Asks the relay at `origin` for a visitor token for `siteKey`. */
export async function requestSession(
  origin: string,
  siteKey: string,
  token: string | null,
  user?: VisitorUser,
): Promise<VisitorSession> {
  const post = () =>
    fetch(`${origin}/api/visitors`, {
      method: 'POST',
      // A CORS simple request: no preflight, which would name no site to decide on.
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ siteKey, token: token ?? undefined, user }),
      // The session is the token in the body; no cookie ever crosses to the relay.
      credentials: 'omit',
    });
  let response: Response;
  try {
    response = await post();
  } catch {
    // An answer the page may not read looks like a network error. If the relay answers other
    // requests, it refused this page, and asking again cannot change that; but a relay that was
    // restarting, or failed before it knew the site, also looks so once: it is asked once more
    // before the widget gives up.
    if (!(await relayAnswers(origin))) throw new SessionError('network', false);
    await new Promise((resolve) => setTimeout(resolve, REFUSAL_RECHECK_MS));
    try {
      response = await post();
    } catch {
      const refused = await relayAnswers(origin);
      throw new SessionError(refused ? 'refused' : 'network', refused);
    }
  }
  const body = (await response.json().catch(() => ({}))) as Partial<VisitorSession> & { error?: string };
  if (response.ok && typeof body.token === 'string' && typeof body.visitorId === 'string') {
    return { token: body.token, visitorId: body.visitorId };
  }
  // 4xx means the site, origin or identity is wrong and retrying cannot fix it; 5xx, a rate
  // limit (429) and a request timeout (408) pass with time, so those are retried with backoff.
  const status = response.status;
  const fatal = status >= 400 && status < 500 && status !== 408 && status !== 429;
  throw new SessionError(body.error ?? `http_${status}`, fatal);
}
