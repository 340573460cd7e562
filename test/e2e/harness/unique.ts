import { randomBytes } from 'node:crypto';

/** A message text no other test (or earlier run) can have produced: `label` plus a short nonce. */
export function unique(label: string): string {
  return `${label} ${randomBytes(4).toString('hex')}`;
}
