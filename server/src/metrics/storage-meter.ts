/**
 * Times the store's appends and counts the messages it stored, from outside the store: the
 * relay's storage object gets a timed `appendMessage` for as long as the relay runs, whichever
 * store it is (SQLite, PostgreSQL, memory). The append is the durable write every ack waits for,
 * so its time is the storage latency that matters.
 */
import { performance } from 'node:perf_hooks';
import type { Storage } from '../storage/storage.js';
import type { RelayMetrics } from './relay-metrics.js';

/** Times `storage.appendMessage` into `metrics`; returns the function that undoes it. */
export function meterAppends(storage: Storage, metrics: RelayMetrics): () => void {
  const own = Object.prototype.hasOwnProperty.call(storage, 'appendMessage');
  const original = storage.appendMessage;
  storage.appendMessage = function meteredAppend(this: Storage, message) {
    const started = performance.now();
    return original.call(this, message).then((result) => {
      metrics.appended((performance.now() - started) / 1000, result.duplicate);
      return result;
    });
  };
  return () => {
    if (own) storage.appendMessage = original;
    else delete (storage as Partial<Storage>).appendMessage;
  };
}
