/**
 * Agent password hashing with scrypt from node:crypto. The stored form names its own
 * parameters (`scrypt$N$r$p$salt$hash`, salt and hash base64url) so they can be raised later
 * without invalidating existing hashes.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost parameters for new hashes: 16 MiB of memory, about 50 ms per hash. */
const COST = { N: 16_384, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
/**
 * Upper bounds on parameters read back from storage: a tampered or corrupt hash must not be
 * able to make one login attempt allocate gigabytes or run for minutes.
 */
const MAX_N = 1 << 20;
const MAX_R = 32;
const MAX_P = 16;

/**
 * scrypt as a promise. The password is NFC-normalised so that the same characters typed on
 * different keyboards (composed or decomposed accents, Hangul jamo) hash alike.
 */
function derive(password: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** The memory scrypt needs for these parameters, with headroom (Node refuses beyond `maxmem`). */
function memoryFor(N: number, r: number, p: number): number {
  return 128 * N * r * (p + 1) + 1024 * 1024;
}

/** Hashes `password` with a fresh random salt: `scrypt$16384$8$1$<salt>$<hash>`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, HASH_BYTES, { ...COST, maxmem: memoryFor(COST.N, COST.r, COST.p) });
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** A positive integer parsed from decimal digits, or null. */
function positiveInt(text: string | undefined): number | null {
  if (text === undefined || !/^[1-9][0-9]{0,9}$/.test(text)) return null;
  return Number(text);
}

/**
 * True when `password` matches `stored`. A malformed or unsupported `stored` value is a
 * mismatch, never an exception, so callers answer every failure the same way.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (typeof password !== 'string' || typeof stored !== 'string') return false;
  const [scheme, nText, rText, pText, saltText, hashText, ...rest] = stored.split('$');
  if (scheme !== 'scrypt' || rest.length > 0 || !saltText || !hashText) return false;
  const N = positiveInt(nText);
  const r = positiveInt(rText);
  const p = positiveInt(pText);
  // N must be a power of two greater than 1 for scrypt.
  if (N === null || r === null || p === null || N < 2 || (N & (N - 1)) !== 0) return false;
  if (N > MAX_N || r > MAX_R || p > MAX_P) return false;
  const salt = Buffer.from(saltText, 'base64url');
  const expected = Buffer.from(hashText, 'base64url');
  if (salt.length === 0 || expected.length < 16 || expected.length > 64) return false;
  const actual = await derive(password, salt, expected.length, { N, r, p, maxmem: memoryFor(N, r, p) });
  return timingSafeEqual(actual, expected);
}
