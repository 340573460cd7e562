/**
 * The Bus over Redis pub/sub, for several relay nodes. Loaded only when a Redis URL is
 * configured (`openBus` imports this module dynamically), so a single node never loads ioredis.
 *
 * Channels, under a prefix (default `parley:`, so several clusters can share one Redis):
 * - `<prefix>frames`: every envelope of every node;
 * - `<prefix>control`: heartbeats, goodbyes, broadcast control messages and requests to all;
 * - `<prefix>node:<nodeId>`: control messages, requests and replies for that node only.
 * Each node holds two connections (pub/sub needs one of its own to subscribe): one publishes,
 * one subscribes to those three channels. Redis delivers a connection's publishes in order, so
 * a node's envelopes and control messages reach every node in the order it sent them.
 *
 * The cost of one frames channel: every node receives every envelope, also those for topics it
 * has no connection on, and drops them after reading a short header (the frame itself is not
 * parsed). That is one copy per node per envelope on the network and in Redis. Per-topic
 * channels would save it but cost a SUBSCRIBE round trip whenever a connection opens a
 * conversation, and make a reconnect re-subscribe tens of thousands of channels; with the few
 * nodes a cluster of this kind runs, one channel is cheaper.
 *
 * Redis only signals. While a connection is down, sends are dropped and counted, never queued;
 * once both connections are back and the channels subscribed again, `onReconnect` handlers run
 * so the node catches up from the store (`redis-transport.ts` has the connection mechanics,
 * including connections that die silently). A subscriber too slow for Redis's output-buffer
 * limit is disconnected by Redis, and recovers the same way.
 */
import { DEFAULT_HEARTBEAT_MS } from './bus.js';
import { ClusterBus, type ClusterBusOptions } from './cluster-bus.js';
import { RedisBusError } from './redis-bus-error.js';
import { redactRedisUrl, RedisTransport } from './redis-transport.js';

export { RedisBusError } from './redis-bus-error.js';
export { redactRedisUrl } from './redis-transport.js';

/** RedisBus settings. */
export interface RedisBusOptions extends ClusterBusOptions {
  /** `redis://[:password@]host[:port][/db]` or `rediss://...` (TLS). */
  url: string;
  /** Channel name prefix shared by the nodes of one cluster. Default `DEFAULT_REDIS_PREFIX`. */
  prefix?: string;
  /** How long `openRedisBus` waits for the first connection, in milliseconds. Default 10 s. */
  connectTimeoutMs?: number;
  /** Longest wait between reconnect attempts, in milliseconds. Default 2 s. */
  reconnectMaxMs?: number;
  /** Publishes awaiting Redis's answer beyond which new ones are dropped (Redis too slow). Default 10,000. */
  maxInFlight?: number;
  /**
   * Nothing heard (not even this node's own heartbeats) for this long: the connections are
   * taken for dead and replaced, in milliseconds. Default three heartbeats, at least 1 s.
   */
  silenceLimitMs?: number;
}

/** The channel prefix when none is given. */
export const DEFAULT_REDIS_PREFIX = 'parley:';
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_RECONNECT_MAX_MS = 2_000;
const DEFAULT_MAX_IN_FLIGHT = 10_000;

/** A ClusterBus on Redis. Use `openRedisBus`, which waits for the first connection. */
export class RedisBus extends ClusterBus {
  private readonly redis: RedisTransport;

  constructor(options: RedisBusOptions) {
    const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    const transport = new RedisTransport({
      url: options.url,
      prefix: options.prefix ?? DEFAULT_REDIS_PREFIX,
      maxInFlight: options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
      reconnectMaxMs: options.reconnectMaxMs ?? DEFAULT_RECONNECT_MAX_MS,
      // Three own heartbeats missed, and never less than a second (a busy event loop is not a dead link).
      silenceLimitMs: options.silenceLimitMs ?? Math.max(3 * heartbeatMs, 1_000),
      log: options.log,
    });
    super(transport, options);
    this.redis = transport;
  }

  /** Resolves once connected and subscribed; rejects with `RedisBusError` after `timeoutMs`. */
  connected(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const cause = this.redis.lastError === '' ? `no answer within ${timeoutMs} ms` : this.redis.lastError;
        reject(new RedisBusError(`cannot reach Redis at ${redactRedisUrl(this.redis.url)}: ${cause}`));
      }, timeoutMs);
    });
    const refused = this.redis.firstUp.catch((reason: string) => {
      throw new RedisBusError(`Redis at ${redactRedisUrl(this.redis.url)} refused this relay: ${reason}`);
    });
    return Promise.race([refused, timeout]).finally(() => clearTimeout(timer));
  }
}

/** Opens a RedisBus and waits for its first connection; throws `RedisBusError` when Redis cannot be reached in time. */
export async function openRedisBus(options: RedisBusOptions): Promise<RedisBus> {
  const bus = new RedisBus(options);
  try {
    await bus.connected(options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
  } catch (error) {
    await bus.abandon();
    throw error;
  }
  options.log?.info('bus on Redis', { url: redactRedisUrl(options.url), prefix: options.prefix ?? DEFAULT_REDIS_PREFIX, nodeId: bus.nodeId });
  return bus;
}
