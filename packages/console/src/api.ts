/**
 * The console's HTTP calls: signing in and out. Everything else travels over the WebSocket.
 */
import type { AgentProfile } from '@parley/protocol';

/** A successful sign-in. */
export interface LoginResult {
  token: string;
  agent: AgentProfile;
}

/** Why a sign-in failed, in words the form can show. */
export type LoginFailure = 'invalid_credentials' | 'rate_limited' | 'unavailable' | 'network' | 'server';

/** A sign-in that did not succeed; `code` says why. */
export class LoginError extends Error {
  readonly code: LoginFailure;

  constructor(code: LoginFailure) {
    super(LOGIN_MESSAGES[code]);
    this.name = 'LoginError';
    this.code = code;
  }
}

/** The message shown on the sign-in form for each failure. */
export const LOGIN_MESSAGES: Readonly<Record<LoginFailure, string>> = {
  invalid_credentials: 'Wrong email or password.',
  rate_limited: 'Too many attempts. Wait a minute and try again.',
  unavailable: 'The relay cannot reach its database right now. Try again in a few seconds.',
  network: 'Cannot reach the Parley relay. Check your connection and try again.',
  server: 'The relay could not sign you in. Try again.',
};

function isLoginResult(value: unknown): value is LoginResult {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const agent = v.agent as Record<string, unknown> | undefined;
  return typeof v.token === 'string' && typeof agent === 'object' && agent !== null && typeof agent.id === 'string';
}

/** Signs in with `POST /api/login` on the console's own origin. Throws `LoginError`. */
export async function login(email: string, password: string, fetchImpl: typeof fetch = fetch): Promise<LoginResult> {
  let response: Response;
  try {
    response = await fetchImpl('/api/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password }),
      credentials: 'same-origin',
    });
  } catch {
    throw new LoginError('network');
  }
  if (response.status === 401 || response.status === 400) throw new LoginError('invalid_credentials');
  if (response.status === 429) throw new LoginError('rate_limited');
  if (response.status === 503) throw new LoginError('unavailable');
  if (!response.ok) throw new LoginError('server');
  const body: unknown = await response.json().catch(() => null);
  if (!isLoginResult(body)) throw new LoginError('server');
  return body;
}

/**
 * Ends the session of `token` on the relay with `POST /api/logout`, so the token stops working
 * there too and not only in this browser. Best effort: it never throws (signing out works
 * offline; the token still expires on its own).
 */
export async function logout(token: string, fetchImpl: typeof fetch = fetch): Promise<boolean> {
  try {
    const response = await fetchImpl('/api/logout', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      credentials: 'same-origin',
      keepalive: true,
    });
    return response.ok;
  } catch {
    return false;
  }
}
