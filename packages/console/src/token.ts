/**
 * Reads the expiry of an agent token without verifying it: the relay verifies; the console only
 * wants to know whether it is worth connecting or whether to ask for a new sign-in.
 */

/** The readable part of an agent token (`{ k: "a", sub, iat, exp }`). */
export interface AgentTokenClaims {
  sub: string;
  exp: number | null;
}

function base64UrlDecode(part: string): string {
  const padded = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The claims of a token, or null when it is not shaped like a Parley token. */
export function readTokenClaims(token: string): AgentTokenClaims | null {
  const [payload, signature] = token.split('.');
  if (!payload || !signature) return null;
  try {
    const data: unknown = JSON.parse(base64UrlDecode(payload));
    if (typeof data !== 'object' || data === null) return null;
    const { sub, exp } = data as Record<string, unknown>;
    if (typeof sub !== 'string') return null;
    return { sub, exp: typeof exp === 'number' ? exp : null };
  } catch {
    return null;
  }
}

/**
 * True when the token is malformed or past its expiry. `exp` may be in seconds or milliseconds;
 * values below 1e12 are taken as seconds.
 */
export function tokenExpired(token: string, now: number): boolean {
  const claims = readTokenClaims(token);
  if (!claims) return true;
  if (claims.exp === null) return false;
  const expMs = claims.exp < 1e12 ? claims.exp * 1000 : claims.exp;
  return expMs <= now;
}
