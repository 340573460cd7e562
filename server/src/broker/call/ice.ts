/**
 * The ICE servers a call's participants get. STUN servers are passed on as configured. TURN
 * servers get credentials issued for the call in the time-limited shared-secret scheme that
 * coturn accepts with `use-auth-secret` (the "TURN REST API"): the username is
 * `<unix expiry seconds>:<callId>` and the credential is base64(HMAC-SHA1(secret, username)),
 * so the TURN server checks them with the same secret and no call to the relay, and they stop
 * working at the expiry.
 */
import { createHmac } from 'node:crypto';
import type { IceServer } from '@parley/protocol';

/** The relay's ICE settings. */
export interface IceSettings {
  /** `stun:` / `stuns:` URLs. */
  stunUrls: string[];
  /** `turn:` / `turns:` URLs; used only with a `turnSecret`. */
  turnUrls: string[];
  /** coturn's `static-auth-secret`; null: no TURN. */
  turnSecret: string | null;
  /** How long issued TURN credentials last, in seconds. */
  turnTtlSeconds: number;
}

/** No STUN, no TURN: host candidates only (one network, tests). */
export const NO_ICE: Readonly<IceSettings> = Object.freeze({ stunUrls: [], turnUrls: [], turnSecret: null, turnTtlSeconds: 3600 });

/** A TURN username and credential for `callId`, valid until `now` + the TTL. */
export function turnCredential(secret: string, callId: string, ttlSeconds: number, now: number): { username: string; credential: string } {
  const username = `${Math.floor(now / 1000) + ttlSeconds}:${callId}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** The ICE servers for one call: STUN as configured, TURN with credentials for this call. */
export function iceServersFor(settings: IceSettings, callId: string, now: number): IceServer[] {
  const servers: IceServer[] = [];
  if (settings.stunUrls.length > 0) servers.push({ urls: [...settings.stunUrls] });
  // A TURN entry without credentials would make RTCPeerConnection throw: without a secret, none.
  if (settings.turnUrls.length > 0 && settings.turnSecret) {
    servers.push({ urls: [...settings.turnUrls], ...turnCredential(settings.turnSecret, callId, settings.turnTtlSeconds, now) });
  }
  return servers;
}
