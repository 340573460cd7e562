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
 * Redis only signals. While a connection is down, sends are dropped and counted (never queued:
 * the client's offline queue is off), and ioredis reconnects with backoff; once both
 * connections are back and the channels subscribed again, `onReconnect` handlers run so the
 * node catches up from the store. A subscriber too slow for Redis's output-buffer limit is
 * disconnected by Redis, and recovers the same way.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../log.js';
import type { BusTransport, TransportSink } from './bus-transport.js';
import { ClusterBus, type ClusterBusOptions } from './cluster-bus.js';
import { RedisBusError } from './redis-bus-error.js';

export { RedisBusError } from './redis-bus-error.js';

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
}

/** The channel prefix when none is given. */
export const DEFAULT_REDIS_PREFIX = 'parley:';
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_RECONNECT_MAX_MS = 2_000;
const DEFAULT_MAX_IN_FLIGHT = 10_000;

/** The URL with its password hidden, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

/** Redis's answers to a wrong or missing password. */
const AUTH_REFUSED = /\b(NOAUTH|WRONGPASS)\b|invalid password/;

/** Backoff between reconnect attempts: doubling from 100 ms up to `maxMs`, with jitter so nodes do not reconnect in lockstep. */
function backoff(maxMs: number): (times: number) => number {
  return (times) => Math.min(50 * 2 ** Math.min(times, 16), maxMs) + Math.floor(Math.random() * 100);
}

/** A node's two Redis connections as a bus transport. */
class RedisTransport implements BusTransport {
  private readonly redisOptions: RedisOptions;
  private pub: Redis | null = null;
  private sub: Redis | null = null;
  private sink: TransportSink | null = null;
  private framesChannel = '';
  private controlChannel = '';
  private ownChannel = '';
  private pubReady = false;
  private subReady = false;
  /** Bumped on every subscriber disconnect, so a subscribe that answers late is not taken for the new connection's. */
  private subGeneration = 0;
  private up = false;
  private closing = false;
  private inFlight = 0;
  private reported = false;
  /** Why the last connection attempt failed, for the start-up error. */
  lastError = '';
  private markFirstUp!: () => void;
  private refuse!: (reason: string) => void;
  /**
   * Resolves the first time both connections are ready and subscribed; rejects with the reason
   * when Redis refused this relay before that (a wrong password: retrying will not help).
   */
  readonly firstUp = new Promise<void>((resolve, reject) => {
    this.markFirstUp = resolve;
    this.refuse = reject;
  });

  constructor(
    readonly url: string,
    private readonly prefix: string,
    private readonly maxInFlight: number,
    reconnectMaxMs: number,
    private readonly log: Logger | undefined,
  ) {
    // Only `connected()` cares why the first connection failed; nobody else may see a rejection.
    this.firstUp.catch(() => undefined);
    this.redisOptions = {
      // Redis only signals: what cannot be sent now is dropped, never queued for later.
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      // Subscriptions are renewed by hand, so `up` means "subscribed again", not merely "connected".
      autoResubscribe: false,
      maxRetriesPerRequest: 0,
      retryStrategy: backoff(reconnectMaxMs),
      keepAlive: 10_000,
      lazyConnect: true,
    };
  }

  start(nodeId: string, sink: TransportSink): void {
    this.sink = sink;
    this.framesChannel = `${this.prefix}frames`;
    this.controlChannel = `${this.prefix}control`;
    this.ownChannel = `${this.prefix}node:${nodeId}`;
    // CLIENT LIST then names the node; Redis refuses spaces and such in names.
    const name = `parley-${nodeId}`.replace(/[^\w.:-]/g, '_');
    // Many publishes in one tick go out as one write.
    const pub = new Redis(this.url, { ...this.redisOptions, enableAutoPipelining: true, connectionName: `${name}-pub` });
    const sub = new Redis(this.url, { ...this.redisOptions, connectionName: `${name}-sub` });
    this.pub = pub;
    this.sub = sub;
    pub.on('ready', () => {
      this.pubReady = true;
      this.update();
    });
    pub.on('close', () => {
      this.pubReady = false;
      this.update();
    });
    sub.on('ready', () => this.subOnReady(sub));
    sub.on('close', () => {
      this.subGeneration++;
      this.subReady = false;
      this.update();
    });
    sub.on('message', (channel: string, text: string) => this.subOnMessage(channel, text));
    pub.on('error', (error: Error) => this.redisOnError(error));
    sub.on('error', (error: Error) => this.redisOnError(error));
    // Connection failures are reported through 'error' and retried; the promise adds nothing.
    pub.connect().catch(() => undefined);
    sub.connect().catch(() => undefined);
  }

  alone(): boolean {
    return false;
  }

  isUp(): boolean {
    return this.up;
  }

  sendEnvelope(text: string): boolean {
    return this.publish(this.framesChannel, text);
  }

  sendControl(text: string, to?: string): boolean {
    return this.publish(to === undefined ? this.controlChannel : `${this.prefix}node:${to}`, text);
  }

  async close(lastWords?: string): Promise<void> {
    const { pub, sub } = this;
    if (this.closing || pub === null || sub === null) return;
    if (lastWords !== undefined && this.up) {
      await pub.publish(this.controlChannel, lastWords).catch(() => undefined);
    }
    this.closing = true;
    this.up = false;
    if (lastWords === undefined) {
      // Vanish as a killed process would: no QUIT, just gone.
      pub.disconnect();
      sub.disconnect();
      return;
    }
    await Promise.all([quit(pub), quit(sub)]);
  }

  private publish(channel: string, text: string): boolean {
    if (!this.up || this.inFlight >= this.maxInFlight) return false;
    this.inFlight++;
    this.pub!.publish(channel, text, (error) => {
      this.inFlight--;
      if (error) this.sink?.dropped();
    });
    return true;
  }

  private subOnReady(sub: Redis): void {
    const generation = this.subGeneration;
    sub.subscribe(this.framesChannel, this.controlChannel, this.ownChannel).then(
      () => {
        if (generation !== this.subGeneration) return;
        this.subReady = true;
        this.update();
      },
      (error: unknown) => this.redisOnError(error instanceof Error ? error : new Error(String(error))),
    );
  }

  private subOnMessage(channel: string, text: string): void {
    if (channel === this.framesChannel) this.sink?.envelope(text);
    else this.sink?.control(text);
  }

  private redisOnError(error: Error): void {
    this.lastError = error.message;
    if (AUTH_REFUSED.test(error.message)) this.refuse(error.message);
    // One line per outage, not one per reconnect attempt.
    if (this.reported || this.closing) return;
    this.reported = true;
    this.log?.error('redis bus error', { url: redactRedisUrl(this.url), error: error.message });
  }

  private update(): void {
    if (this.closing) return;
    const up = this.pubReady && this.subReady;
    if (up === this.up) return;
    this.up = up;
    if (up) {
      this.reported = false;
      this.markFirstUp();
      this.sink?.up();
    } else {
      this.sink?.down();
    }
  }
}

/** QUIT when connected (the server sees a clean goodbye), else just drop the socket. */
async function quit(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') return redis.disconnect();
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

/** A ClusterBus on Redis. Use `openRedisBus`, which waits for the first connection. */
export class RedisBus extends ClusterBus {
  private readonly redis: RedisTransport;

  constructor(options: RedisBusOptions) {
    const transport = new RedisTransport(
      options.url,
      options.prefix ?? DEFAULT_REDIS_PREFIX,
      options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
      options.reconnectMaxMs ?? DEFAULT_RECONNECT_MAX_MS,
      options.log,
    );
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
  return bus;
}
