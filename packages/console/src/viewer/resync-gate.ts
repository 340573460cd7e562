/**
 * When the viewer asks the console for a fresh checkpoint. A gap asks at once (but not more than
 * once a second, so a broken stream cannot flood the relay with joins); page data that keeps
 * arriving while the viewer waits for a full batch asks again only after a while, since the
 * answer to the last request may still be on its way.
 */

/** Least time between two requests, in milliseconds. */
export const RESYNC_MIN_MS = 1000;
/** How long the viewer waits for a full batch before asking again, in milliseconds. */
export const RESYNC_RETRY_MS = 4000;

/** The request policy of one viewer. */
export class ResyncGate {
  private askedAt: number;

  /**
   * `now`: the viewer's start. The console joins as it mounts the viewer, so dropped page data
   * waits for that answer first; a gap may ask at once.
   */
  constructor(now: number) {
    this.askedAt = now - RESYNC_MIN_MS;
  }

  /**
   * True when the viewer should post `resync` now: `gap` after a gap or bad data, else for page
   * data dropped while waiting for a full batch. Records the request when it says yes.
   */
  shouldAsk(now: number, gap: boolean): boolean {
    const wait = gap ? RESYNC_MIN_MS : RESYNC_RETRY_MS;
    if (now - this.askedAt < wait) return false;
    this.askedAt = now;
    return true;
  }
}
