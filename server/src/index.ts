/**
 * The Parley relay as a library: `startRelay(options)` opens the store, bootstraps the demo
 * site and admin, and serves HTTP and WebSocket on one port. Used by `parley start`, by tests
 * (port 0, a temporary data dir) and by anyone embedding the relay.
 */
import { createServer, type IncomingMessage, type Server, type ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { bootstrap, type FirstStart } from './bootstrap.js';
import { Broker } from './broker/broker.js';
import type { Bus } from './bus/bus.js';
import { openBus } from './bus/open-bus.js';
import { serverOnClientError } from './edge/client-error.js';
import { ConnectionGate } from './edge/connection-gate.js';
import { SharedLimits } from './edge/shared-limits.js';
import { KeyedRateLimiter } from './edge/rate-limiter.js';
import { FailureLimiter } from './http/failure-limiter.js';
import { busCheck, readinessHandler, storageCheck } from './http/health.js';
import type { CallsCapability, CobrowseCapability } from './broker/capabilities.js';
import { prepareLoginDecoy } from './http/login-api.js';
import { RefusalLog } from './http/refusal-log.js';
import { createRequestListener } from './http/router.js';
import { createLogger, type LogContext, type Logger } from './log.js';
import type { AcceptsBusMeter } from './metrics/bus-meter.js';
import { meteredBus } from './metrics/metered-bus.js';
import { startMetricsServer, type MetricsEndpointDeps } from './metrics/metrics-endpoint.js';
import { RelayMetrics } from './metrics/relay-metrics.js';
import { meterAppends } from './metrics/storage-meter.js';
import { resolveOptions, type RelayOptions, type RelayOptionsInput } from './options.js';
import { normalizeOrigin } from './origin.js';
import { assetPaths, type AssetPaths } from './paths.js';
import { issueVisitorToken } from './session-tokens.js';
import { openStorage } from './storage/open-storage.js';
import type { Site, Storage } from './storage/storage.js';
import { SocketServer } from './transport/socket-server.js';
import { RELAY_VERSION } from './version.js';

export { resolveOptions, parseOptions, type RelayOptions, type RelayOptionsInput } from './options.js';
export type { Bus, Envelope, Topic } from './bus/bus.js';
export { MemoryBus, MemoryBusHub } from './bus/memory-bus.js';
export type { Storage } from './storage/storage.js';
export type { ReadinessCheck } from './http/health.js';
export type { AcceptsBusMeter, BusMeter } from './metrics/bus-meter.js';
export { RELAY_VERSION } from './version.js';

/** A running relay. */
export interface Relay {
  /** Where to reach it: `http://<host>:<port>` (localhost when bound to every interface). */
  url: string;
  port: number;
  /** The public origin browsers use (console and demo page). */
  publicOrigin: string;
  options: RelayOptions;
  storage: Storage;
  demoSite: Site;
  /** Credentials generated on this start, to print once. */
  created: FirstStart;
  /** This node's name in metrics and JSON logs. */
  nodeId: string;
  /** Where `/metrics` is served: the relay's URL, or its own port's (`metricsPort`). */
  metricsUrl: string;
  /** The node's metrics (a bus between nodes reports through `metrics.bus`). */
  metrics: RelayMetrics;
  /** Number of open WebSocket connections. */
  connections(): number;
  /** Closes every connection with 1001, stops listening and closes the store. */
  close(): Promise<void>;
  /**
   * Drains the node (what SIGTERM does): `/readyz` answers 503 and new WebSocket upgrades are
   * refused; every connection's frames already received are handled and acknowledged, then it is
   * closed with 1012 so its client reconnects elsewhere; then as `close`. Bounded by
   * `drainTimeoutMs`. Calling it or `close` again returns the same promise.
   */
  drain(): Promise<void>;
}

/** Extras for embedding and tests: bring your own store, bus, logger or asset folders. */
export interface StartRelayExtras {
  storageInstance?: Storage;
  bus?: Bus;
  log?: Logger;
  paths?: AssetPaths;
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** HTTP connections allowed beside the WebSocket cap (`server.maxConnections`). */
const HTTP_HEADROOM = 512;
/** Largest request head (request line and headers): room for cookies of a shared host name. */
const MAX_HEADER_BYTES = 16 * 1024;

/**
 * The HTTP server's own limits: a client that trickles its headers or body is cut off
 * (slowloris), oversize headers get 431. The timeouts are checked every second at most, so
 * they hold within about a second of what is configured.
 */
function httpServerOptions(options: RelayOptions): ServerOptions {
  const requestTimeout = options.requestTimeoutMs;
  // Node requires the headers deadline to fit inside the whole-request one (0 disables both).
  const headersTimeout = requestTimeout > 0 ? Math.min(options.headersTimeoutMs, requestTimeout) : options.headersTimeoutMs;
  const shortest = Math.min(...[headersTimeout, requestTimeout].filter((ms) => ms > 0), 30_000);
  return {
    maxHeaderSize: MAX_HEADER_BYTES,
    headersTimeout,
    requestTimeout,
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(shortest / 2))),
  };
}

function listen(server: Server, port: number, host: string, backlog: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** How long a stopping relay lets HTTP requests under way finish before it cuts them. */
const HTTP_CLOSE_GRACE_MS = 1000;

/**
 * Ends a server's connections once it stopped listening (`stopped` resolves when they are all
 * gone): idle keep-alive ones at once, requests under way (a visitor being created, a sign-in)
 * when they finish or after `HTTP_CLOSE_GRACE_MS`, whichever comes first.
 */
async function endRequests(server: Server, stopped: Promise<void>): Promise<void> {
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([stopped, new Promise<void>((resolve) => (timer = setTimeout(resolve, HTTP_CLOSE_GRACE_MS)))]);
  clearTimeout(timer);
  server.closeAllConnections();
  await stopped;
}

/** Starts a relay. Resolves once it is listening and bootstrapped. */
export async function startRelay(input: RelayOptionsInput & StartRelayExtras = {}): Promise<Relay> {
  const { storageInstance, bus: givenBus, log: givenLog, paths: givenPaths, ...rest } = input;
  const options = resolveOptions(rest);
  // The node's name joins every JSON log line once it is known (it may name the port).
  const logContext: LogContext = options.nodeId === null ? {} : { node: options.nodeId };
  const log = givenLog ?? createLogger(options.logLevel, options.logFormat, logContext);
  const storage =
    storageInstance ??
    (await openStorage({
      kind: options.storage,
      dataDir: options.dataDir,
      synchronous: options.synchronous,
      databaseUrl: options.databaseUrl,
      databasePoolSize: options.databasePoolSize,
      log,
    }));
  let bus: Bus;
  try {
    bus = givenBus ?? (await openBus({ redisUrl: options.redisUrl, redisPrefix: options.redisPrefix, nodeId: options.nodeId, log }));
  } catch (error) {
    if (!storageInstance) await storage.close();
    throw error;
  }
  const paths = givenPaths ?? assetPaths();

  // Listen first (the public origin depends on the port), and hold requests until ready.
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let onRequest: ((req: IncomingMessage, res: import('node:http').ServerResponse) => void) | null = null;
  let onUpgrade: ((req: IncomingMessage, socket: Duplex, head: Buffer) => void) | null = null;
  // Once ready, requests and upgrades go straight to their handlers: no promise per upgrade in
  // a reconnect storm of tens of thousands of sockets.
  const server = createServer(httpServerOptions(options), (req, res) => {
    if (onRequest) onRequest(req, res);
    else void ready.then(() => onRequest!(req, res));
  });
  // A hard ceiling on descriptors: the WebSocket cap plus room for HTTP; Node drops sockets past it.
  server.maxConnections = options.maxConnections + HTTP_HEADROOM;
  const gate = new ConnectionGate(options);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!gate.admit(req, socket)) return;
    if (onUpgrade) onUpgrade(req, socket, head);
    else void ready.then(() => onUpgrade!(req, socket, head));
  });
  server.on('clientError', serverOnClientError);

  let port: number;
  try {
    port = await listen(server, options.port, options.host, options.listenBacklog);
  } catch (error) {
    if (!givenBus) await bus.close();
    if (!storageInstance) await storage.close();
    throw error;
  }
  // One name for the node everywhere: on the bus, in metrics and in logs.
  const nodeId = options.nodeId ?? bus.nodeId;
  logContext.node = nodeId;
  const publicOrigin = normalizeOrigin(options.publicUrl ?? `http://localhost:${port}`) ?? `http://localhost:${port}`;
  const consoleOrigins = [publicOrigin, ...options.consoleOrigins];
  if (options.publicUrl === null) consoleOrigins.push(`http://127.0.0.1:${port}`, `http://[::1]:${port}`);

  const { secret, demoSite, created } = await bootstrap(storage, options, publicOrigin);
  // `broker` is assigned just below; the collectors run only at scrape time.
  const metrics = new RelayMetrics(nodeId, {
    cobrowseSessions: () => broker.capability<CobrowseCapability>('cobrowse')?.hub.size ?? 0,
    calls: () => broker.capability<CallsCapability>('calls')?.hub.size ?? 0,
  });
  gate.onRefused = (reason) => metrics.upgradeRefused(reason);
  let draining = false;
  const metricsEndpoint: Omit<MetricsEndpointDeps, 'ownPort'> = { encode: () => metrics.encode(), token: options.metricsToken };
  let metricsServer: Server | null = null;
  let metricsUrl = `http://${displayHost(options.host)}:${port}/metrics`;
  if (options.metricsPort !== null) {
    try {
      const own = await startMetricsServer(options.metricsPort, options.host, metricsEndpoint);
      metricsServer = own.server;
      metricsUrl = `http://${displayHost(options.host)}:${own.port}/metrics`;
    } catch (error) {
      metrics.stop();
      server.close();
      if (!storageInstance) await storage.close();
      throw error;
    }
  }
  // A bus between nodes reports its lag and reconnects here (see `bus-meter.ts`).
  (bus as Bus & Partial<AcceptsBusMeter>).attachMeter?.(metrics.bus);
  const unmeterAppends = meterAppends(storage, metrics);
  const broker: Broker = new Broker({
    storage,
    bus: meteredBus(bus, metrics.delivery),
    limits: options.limits,
    settings: {
      inboxPageSize: options.inboxPageSize,
      contextPageSize: options.contextPageSize,
      maxOpenConversations: options.maxOpenConversations,
      announceWindowMs: options.announceWindowMs,
      visitorActivityPerMinute: options.visitorActivityPerMinute,
      addressActivityPerMinute: options.addressActivityPerMinute,
      visitorUpdateWindowMs: options.visitorUpdateWindowMs,
      maxPageViewsPerVisitor: options.maxPageViewsPerVisitor,
      maxEventsPerVisitor: options.maxEventsPerVisitor,
      scopeRefreshMs: options.scopeRefreshMs,
      ice: { stunUrls: options.stunUrls, turnUrls: options.turnUrls, turnSecret: options.turnSecret, turnTtlSeconds: options.turnTtl },
    },
    log,
    issueVisitorToken: (visitorId, siteId) => issueVisitorToken(secret, visitorId, siteId),
  });
  const sockets = new SocketServer({
    storage,
    secret,
    broker,
    limits: options.limits,
    log,
    consoleOrigins: () => consoleOrigins,
    agentSessionCheckMs: options.agentSessionCheckMs,
    lateCobrowseFrames: options.lateCobrowseFrames,
    metrics,
  });
  onUpgrade = (req, socket, head) => sockets.serverOnUpgrade(req, socket, head);
  // Per-address limits count what every relay node admitted (see `edge/shared-limits.ts`).
  const loginFailures = new FailureLimiter(options.loginFailuresPerMinute);
  const visitorCreations = new KeyedRateLimiter(options.visitorCreationsPerMinute);
  const sharedLimits = new SharedLimits(bus, { gate, visitorCreations, loginFailures });
  onRequest = createRequestListener({
    storage,
    secret,
    paths,
    version: RELAY_VERSION,
    demoSiteKey: demoSite.key,
    log,
    publicOrigin: () => publicOrigin,
    limiter: loginFailures,
    visitorLimiter: visitorCreations,
    refusals: new RefusalLog(log),
    trustProxyHops: options.trustProxyHops,
    consoleOrigins: () => consoleOrigins,
    maxBodyBytes: options.maxBodyBytes,
    maxFieldLength: options.limits.maxFieldLength,
    agentTokenTtlMs: options.agentTokenTtlMs,
    agentSessionsEnded: () => void sockets.sweepAgentSessions(),
    // The Redis bus answers `isUp()`; the in-process bus is always up.
    readiness: readinessHandler({ checks: [storageCheck(storage), busCheck(bus)], draining: () => draining, log }),
    metrics: metricsServer ? null : { ...metricsEndpoint, ownPort: false },
  });
  await prepareLoginDecoy();
  markReady();

  /** Everything after the connections are gone: the store is closed last. */
  const stopListening = (): Promise<void> => new Promise<void>((resolve) => server.close(() => resolve()));
  const finish = async (stopped: Promise<void>): Promise<void> => {
    await endRequests(server, stopped);
    if (metricsServer) {
      const own = metricsServer;
      await endRequests(own, new Promise<void>((resolve) => own.close(() => resolve())));
    }
    // Pages refused in the last window are still where their visitors were: write them.
    await broker.flushVisitorUpdates();
    broker.close();
    sharedLimits.close();
    await bus.close();
    metrics.stop();
    unmeterAppends();
    if (!storageInstance) await storage.close();
  };

  let closing: Promise<void> | null = null;
  return {
    url: `http://${displayHost(options.host)}:${port}`,
    port,
    publicOrigin,
    options,
    storage,
    demoSite,
    created,
    nodeId,
    metricsUrl,
    metrics,
    connections: () => sockets.size,
    close: () =>
      (closing ??= (async () => {
        const stopped = stopListening();
        broker.beginShutdown();
        await sockets.close();
        await finish(stopped);
      })()),
    drain: () =>
      (closing ??= (async () => {
        draining = true;
        metrics.drainStarted();
        log.info('draining', { connections: sockets.size, timeoutMs: options.drainTimeoutMs });
        broker.beginShutdown();
        // HTTP stays up meanwhile: `/readyz` tells the load balancer to send clients elsewhere.
        await sockets.drain(options.drainTimeoutMs);
        await finish(stopListening());
        log.info('drained');
      })()),
  };
}
