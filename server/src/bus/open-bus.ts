/**
 * Opens the bus the relay is configured for: the in-process `MemoryBus` unless a Redis URL is
 * given (`PARLEY_REDIS_URL`). The Redis module, and ioredis with it, is imported only then, so
 * a single relay node never loads it.
 */
import type { Logger } from '../log.js';
import type { Bus } from './bus.js';
import { MemoryBus } from './memory-bus.js';

/** Which bus to open. */
export interface OpenBusOptions {
  /** `redis://...` or `rediss://...`; null or absent: the in-process bus of a single node. */
  redisUrl?: string | null;
  /** Redis channel prefix (clusters sharing one Redis need different ones). Default `parley:`. */
  redisPrefix?: string;
  /** This node's id in the cluster; null or absent: random. */
  nodeId?: string | null;
  log?: Logger;
}

/** Opens the configured bus; with Redis, resolves once connected (or throws `RedisBusError`). */
export async function openBus(options: OpenBusOptions = {}): Promise<Bus> {
  const { redisUrl, redisPrefix, log } = options;
  const nodeId = options.nodeId ?? undefined;
  if (!redisUrl) return new MemoryBus({ nodeId, log });
  const { openRedisBus } = await import('./redis-bus.js');
  return openRedisBus({ url: redisUrl, prefix: redisPrefix, nodeId, log });
}
