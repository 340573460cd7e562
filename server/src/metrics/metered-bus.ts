/**
 * The relay's bus as the broker sees it: the same bus, with every subscriber timed by the
 * delivery clock. A Proxy rather than a wrapper class, so whatever the Bus interface grows
 * (node ids, control messages, requests) passes through untouched.
 */
import type { Bus } from '../bus/bus.js';
import type { DeliveryClock } from './delivery-clock.js';

/** `bus`, with the handlers given to `subscribe` timed by `clock`. */
export function meteredBus<B extends Bus>(bus: B, clock: DeliveryClock): B {
  const bound = new Map<PropertyKey, unknown>();
  const subscribe: Bus['subscribe'] = (handler) => bus.subscribe(clock.wrap(handler));
  return new Proxy(bus, {
    get(target, key) {
      if (key === 'subscribe') return subscribe;
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      // Bound once per method: publish runs per message and must not allocate.
      let fn = bound.get(key);
      if (fn === undefined) bound.set(key, (fn = (value as (...args: unknown[]) => unknown).bind(target)));
      return fn;
    },
  });
}
