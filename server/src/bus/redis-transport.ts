/**
 * A relay node's two Redis connections as a bus transport: one publishes, one subscribes (Redis
 * pub/sub needs a connection of its own to subscribe). See `redis-bus.ts` for the channels.
 *
 * Sends are never queued while a connection is down (the client's offline queue is off): they
 * are dropped and counted, and ioredis reconnects with backoff. `up` means both connections are
 * ready AND the channels are subscribed again, not merely connected.
 *
 * A connection can also die silently (a network path that drops packets without a reset): the
 * sockets look open and nothing arrives. Every node hears its own heartbeats back through Redis
 * each `heartbeatMs`, so a subscriber that heard nothing for `silenceLimitMs` is taken for dead
 * and both connections are replaced, before the silence could make the other nodes look dead.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../log.js';
import type { BusTransport, TransportSink } from './bus-transport.js';

/** How the transport connects and when it gives up on a connection. */
export interface RedisTransportSettings {
  url: string;
  /** Channel name prefix. */
  prefix: string;
  /** Publishes awaiting Redis's answer beyond which new ones are dropped. */
  maxInFlight: number;
  /** Longest wait between reconnect attempts, in milliseconds. */
  reconnectMaxMs: number;
  /** Nothing received for this long while up: the connections are replaced. */
  silenceLimitMs: number;
  log: Logger | undefined;
}

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
export class RedisTransport implements BusTransport {
  /** Where Redis is (with its password: never log it as is). */
  readonly url: string;
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
  /** When the subscriber last received anything (its own heartbeats come back every `heartbeatMs`). */
  private lastHeard = 0;
  private watchdog: NodeJS.Timeout | null = null;
  private lastCheck = 0;
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

  constructor(private readonly settings: RedisTransportSettings) {
    this.url = settings.url;
    // Only `connected()` cares why the first connection failed; nobody else may see a rejection.
    this.firstUp.catch(() => undefined);
    this.redisOptions = {
      // Redis only signals: what cannot be sent now is dropped, never queued for later.
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      // Subscriptions are renewed by hand, so `up` means "subscribed again", not merely "connected".
      autoResubscribe: false,
      maxRetriesPerRequest: 0,
      retryStrategy: backoff(settings.reconnectMaxMs),
      keepAlive: 10_000,
      lazyConnect: true,
    };
  }

  start(nodeId: string, sink: TransportSink): void {
    this.sink = sink;
    this.framesChannel = `${this.settings.prefix}frames`;
    this.controlChannel = `${this.settings.prefix}control`;
    this.ownChannel = `${this.settings.prefix}node:${nodeId}`;
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
    this.lastCheck = Date.now();
    this.watchdog = setInterval(() => this.checkSilence(), this.checkEveryMs());
    this.watchdog.unref();
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
    return this.publish(to === undefined ? this.controlChannel : `${this.settings.prefix}node:${to}`, text);
  }

  async close(lastWords?: string): Promise<void> {
    const { pub, sub } = this;
    if (this.closing || pub === null || sub === null) return;
    if (lastWords !== undefined && this.up) {
      await pub.publish(this.controlChannel, lastWords).catch(() => undefined);
    }
    this.closing = true;
    this.up = false;
    if (this.watchdog !== null) clearInterval(this.watchdog);
    if (lastWords === undefined) {
      // Vanish as a killed process would: no QUIT, just gone.
      pub.disconnect();
      sub.disconnect();
      return;
    }
    await Promise.all([quit(pub), quit(sub)]);
  }

  private publish(channel: string, text: string): boolean {
    if (!this.up || this.inFlight >= this.settings.maxInFlight) return false;
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
    this.lastHeard = Date.now();
    if (channel === this.framesChannel) this.sink?.envelope(text);
    else this.sink?.control(text);
  }

  private redisOnError(error: Error): void {
    this.lastError = error.message;
    if (AUTH_REFUSED.test(error.message)) this.refuse(error.message);
    // One line per outage, not one per reconnect attempt.
    if (this.reported || this.closing) return;
    this.reported = true;
    this.settings.log?.error('redis bus error', { url: redactRedisUrl(this.url), error: error.message });
  }

  private checkEveryMs(): number {
    return Math.max(50, Math.floor(this.settings.silenceLimitMs / 4));
  }

  /** Replaces both connections when the subscriber has heard nothing, not even this node's own heartbeats, for too long. */
  private checkSilence(): void {
    const now = Date.now();
    // A late check means the event loop stalled: what arrived meanwhile is still unread, not missing.
    if (now - this.lastCheck > 2 * this.checkEveryMs()) this.lastHeard = now;
    this.lastCheck = now;
    if (!this.up || this.closing || now - this.lastHeard <= this.settings.silenceLimitMs) return;
    this.settings.log?.error('redis bus heard nothing, not even its own heartbeats: reconnecting', {
      url: redactRedisUrl(this.url),
      silentMs: now - this.lastHeard,
    });
    this.lastHeard = now;
    this.pub?.disconnect(true);
    this.sub?.disconnect(true);
  }

  private update(): void {
    if (this.closing) return;
    const up = this.pubReady && this.subReady;
    if (up === this.up) return;
    this.up = up;
    if (up) {
      this.reported = false;
      this.lastHeard = Date.now();
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

