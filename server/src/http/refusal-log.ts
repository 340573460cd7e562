/**
 * The operator's side of a refused widget: the browser hides the relay's answer from a page it
 * refuses (no CORS grant, so a stranger's page cannot tell a wrong site key from a refused
 * origin), so the relay's log is where the exact cause is named. One line per site key, origin
 * and cause a minute, and a few a minute in all, so refused pages cannot flood the log.
 */
import { KeyedRateLimiter } from '../edge/rate-limiter.js';
import type { Logger } from '../log.js';

/** Lines per minute for one site key, origin and cause. */
const PER_KEY_PER_MINUTE = 1;
/** Lines per minute in all (origins and keys are chosen by whoever sends the request). */
const TOTAL_PER_MINUTE = 30;
/** Distinct keys remembered (memory stays bounded whatever the senders rotate through). */
const MAX_KEYS = 1_000;

/** Why `POST /api/visitors` refused a page. */
export type RefusalCause = 'unknown_site' | 'origin_not_allowed';

/** Logs refused widget sessions, rate limited. */
export class RefusalLog {
  private readonly perKey = new KeyedRateLimiter(PER_KEY_PER_MINUTE, MAX_KEYS);
  private readonly total = new KeyedRateLimiter(TOTAL_PER_MINUTE, 1);

  constructor(private readonly log: Logger) {}

  /** Reports one refusal; quiet when this one (or too many) was reported within the minute. */
  refused(cause: RefusalCause, siteKey: string, origin: string | undefined, now: number = Date.now()): void {
    const page = origin ?? '(no origin)';
    if (this.perKey.take(`${cause}\n${siteKey}\n${page}`, now) > 0) return;
    if (this.total.take('all', now) > 0) return;
    const key = JSON.stringify(siteKey);
    const line =
      cause === 'unknown_site'
        ? `widget refused: site key ${key} is unknown (page ${page}); see \`parley site list\``
        : `widget refused: ${page} is not an allowed origin of site ${key}; add it with \`parley site origins --key ${siteKey} --add ${page}\``;
    this.log.info(line);
  }
}
