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
import { MemoryBus } from './bus/memory-bus.js';
import { serverOnClientError } from './edge/client-error.js';
import { ConnectionGate } from './edge/connection-gate.js';
import { KeyedRateLimiter } from './edge/rate-limiter.js';
import { FailureLimiter } from './http/failure-limiter.js';
import { prepareLoginDecoy } from './http/login-api.js';
import { RefusalLog } from './http/refusal-log.js';
import { createRequestListener } from './http/router.js';
import { createLogger, type Logger } from './log.js';
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
export { MemoryBus } from './bus/memory-bus.js';
export type { Storage } from './storage/storage.js';
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
  /** Number of open WebSocket connections. */
  connections(): number;
  /** Closes every connection with 1001, stops listening and closes the store. */
  close(): Promise<void>;
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

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts a relay. Resolves once it is listening and bootstrapped. */
export async function startRelay(input: RelayOptionsInput & StartRelayExtras = {}): Promise<Relay> {
  const { storageInstance, bus: givenBus, log: givenLog, paths: givenPaths, ...rest } = input;
  const options = resolveOptions(rest);
  const log = givenLog ?? createLogger(options.logLevel);
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
  const bus = givenBus ?? new MemoryBus();
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
    port = await listen(server, options.port, options.host);
  } catch (error) {
    if (!storageInstance) await storage.close();
    throw error;
  }
  const publicOrigin = normalizeOrigin(options.publicUrl ?? `http://localhost:${port}`) ?? `http://localhost:${port}`;
  const consoleOrigins = [publicOrigin, ...options.consoleOrigins];
  if (options.publicUrl === null) consoleOrigins.push(`http://127.0.0.1:${port}`, `http://[::1]:${port}`);

  const { secret, demoSite, created } = await bootstrap(storage, options, publicOrigin);
  const broker = new Broker({
    storage,
    bus,
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
  });
  onUpgrade = (req, socket, head) => sockets.serverOnUpgrade(req, socket, head);
  onRequest = createRequestListener({
    storage,
    secret,
    paths,
    version: RELAY_VERSION,
    demoSiteKey: demoSite.key,
    log,
    publicOrigin: () => publicOrigin,
    limiter: new FailureLimiter(options.loginFailuresPerMinute),
    visitorLimiter: new KeyedRateLimiter(options.visitorCreationsPerMinute),
    refusals: new RefusalLog(log),
    trustProxyHops: options.trustProxyHops,
    consoleOrigins: () => consoleOrigins,
    maxBodyBytes: options.maxBodyBytes,
    maxFieldLength: options.limits.maxFieldLength,
    agentTokenTtlMs: options.agentTokenTtlMs,
    agentSessionsEnded: () => void sockets.sweepAgentSessions(),
  });
  await prepareLoginDecoy();
  markReady();

  let closing: Promise<void> | null = null;
  return {
    url: `http://${displayHost(options.host)}:${port}`,
    port,
    publicOrigin,
    options,
    storage,
    demoSite,
    created,
    connections: () => sockets.size,
    close: () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        broker.beginShutdown();
        await sockets.close();
        server.closeAllConnections();
        await stopped;
        // Pages refused in the last window are still where their visitors were: write them.
        await broker.flushVisitorUpdates();
        broker.close();
        await bus.close();
        if (!storageInstance) await storage.close();
      })()),
  };
}
