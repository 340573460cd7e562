/**
 * Identity verification: a host page proves which of its users a visitor is by sending
 * `userHash` = hex HMAC-SHA256(userId) under the site's secret, computed on its own server.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Hex digits of one SHA-256 digest, either case. */
const HEX_DIGEST = /^[0-9a-f]{64}$/i;

/** The user hash of `userId` under `siteSecret`, lowercase hex. */
export function computeUserHash(userId: string, siteSecret: string): string {
  return createHmac('sha256', siteSecret).update(userId, 'utf8').digest('hex');
}

/**
 * True when `userHash` is the user hash of `userId` under `siteSecret`. Hex case does not
 * matter; the comparison takes the same time wherever the first difference is.
 */
export function verifyUserHash(userId: unknown, userHash: unknown, siteSecret: string): boolean {
  if (typeof userId !== 'string' || userId.length === 0 || typeof userHash !== 'string') return false;
  if (!HEX_DIGEST.test(userHash) || siteSecret.length === 0) return false;
  const expected = Buffer.from(computeUserHash(userId, siteSecret), 'hex');
  return timingSafeEqual(Buffer.from(userHash, 'hex'), expected);
}
