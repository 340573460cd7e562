/**
 * The budget of page views and tracked events (`visitor.page`, `visitor.track`, and the page a
 * `hello` names), across connections. The transport limits each connection, but a visitor may
 * open many tabs (or a script many sockets) and each one writes to disk and reaches every agent.
 * So the same activity is also counted per visitor, whatever connection it arrives on, and per
 * client address, which also bounds a script that rotates visitor tokens. An address is
 * shared by everyone behind one NAT, so its budget is the larger one.
 */
import { KeyedRateLimiter } from '../edge/rate-limiter.js';

/** Default page views and events one visitor may send per minute, across tabs. */
export const DEFAULT_VISITOR_ACTIVITY_PER_MINUTE = 60;
/**
 * Default page views and events one client address may send per minute, across visitors: twenty
 * a second. Generous, because a carrier's NAT can put many real visitors behind one address,
 * and a script there can only mint 60 visitors a minute (`visitorCreationsPerMinute`) anyway.
 */
export const DEFAULT_ADDRESS_ACTIVITY_PER_MINUTE = 1200;

/** Per-visitor and per-address token buckets over page views and events. */
export class ActivityLimiter {
  private readonly visitors: KeyedRateLimiter;
  private readonly addresses: KeyedRateLimiter;

  /**
   * @param visitorPerMinute sustained rate (and burst) of one visitor.
   * @param addressPerMinute sustained rate (and burst) of one client address.
   */
  constructor(visitorPerMinute: number, addressPerMinute: number) {
    this.visitors = new KeyedRateLimiter(visitorPerMinute);
    this.addresses = new KeyedRateLimiter(addressPerMinute);
  }

  /**
   * Takes one unit of both budgets; false when either is spent. A visitor without a known
   * address (a test connection, say) is limited per visitor only.
   */
  take(visitorId: string, address: string | null, now: number): boolean {
    // The address is charged only for what the visitor's own budget let through, so one
    // visitor's flood does not spend the budget of others behind the same address.
    if (this.visitors.take(visitorId, now) > 0) return false;
    return address === null || this.addresses.take(address, now) === 0;
  }
}
