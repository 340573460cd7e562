/**
 * Choosing the content coding of a response from the request's `Accept-Encoding` (RFC 9110
 * 12.5.3): brotli before gzip before none, a client's q-values deciding first and `q=0`
 * excluding a coding.
 */

/** A coding the relay can send a file in, beside `identity` (the bytes as built). */
export type Coding = 'br' | 'gzip';

/** The codings the relay sends, best first when the client weighs them equally. */
export const CODINGS: readonly Coding[] = ['br', 'gzip'];

/** The file name suffix of a precompressed file in each coding. */
export const CODING_SUFFIX: Readonly<Record<Coding, string>> = { br: '.br', gzip: '.gz' };

/** The weight a client gives each coding it named (`*` included), lower-cased. */
function weights(acceptEncoding: string): Map<string, number> {
  const result = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.split(';').map((s) => s.trim());
    if (!name) continue;
    let q = 1;
    for (const param of params) {
      const match = /^q\s*=\s*(.*)$/i.exec(param);
      if (match) q = /^[0-9.]+$/.test(match[1]!) ? Number(match[1]) : Number.NaN;
    }
    // A malformed weight counts as a refusal: sending a coding nobody asked for is the one wrong answer.
    result.set(name.toLowerCase(), Number.isFinite(q) && q >= 0 && q <= 1 ? q : 0);
  }
  return result;
}

/**
 * The coding to send, among those `available` for this file, or `identity`. No header (or an
 * empty one) means identity: a client that does not say it can decode gets the plain bytes.
 */
export function chooseCoding(acceptEncoding: string | undefined, available: readonly Coding[]): Coding | 'identity' {
  if (!acceptEncoding) return 'identity';
  const given = weights(acceptEncoding);
  const wildcard = given.get('*');
  let best: Coding | 'identity' = 'identity';
  let bestQ = 0;
  for (const coding of CODINGS) {
    if (!available.includes(coding)) continue;
    // `x-gzip` is the same coding under its old name (RFC 9110 18.6).
    const q = given.get(coding) ?? (coding === 'gzip' ? given.get('x-gzip') : undefined) ?? wildcard ?? 0;
    if (q > bestQ) {
      best = coding;
      bestQ = q;
    }
  }
  return best;
}
