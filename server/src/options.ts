/**
 * Every relay setting and limit, with its default, merged in ONE place (`resolveOptions`).
 * `parseOptions` reads environment variables and command-line flags on top: a flag beats its
 * environment variable, which beats the default. Each protocol limit is also a setting
 * (`PARLEY_MAX_TEXT_LENGTH` / `--max-text-length`, and so on for every field of `Limits`).
 */
import { DEFAULT_LIMITS, type Limits } from '@parley/protocol';
import { DEFAULT_ADDRESS_ACTIVITY_PER_MINUTE, DEFAULT_VISITOR_ACTIVITY_PER_MINUTE } from './broker/activity-limiter.js';
import { DEFAULT_ANNOUNCE_WINDOW_MS } from './broker/announce-throttle.js';
import { DEFAULT_VISITOR_UPDATE_WINDOW_MS } from './broker/visitor-updates.js';

/** Which Storage implementation backs the relay. */
export type StorageKind = 'sqlite' | 'memory';

/** SQLite durability: `normal` survives the process dying, `full` also survives power loss. */
export type SynchronousMode = 'normal' | 'full';

/** How much the relay writes to its log. */
export type LogLevel = 'silent' | 'error' | 'info';

/** How log lines are written: `text` for people, `json` (one object per line) for log collectors. */
export type LogFormat = 'text' | 'json';

/** The relay's settings, fully resolved. */
export interface RelayOptions {
  /** TCP port for HTTP and WebSocket; 0 picks a free one. */
  port: number;
  /** Interface to bind. */
  host: string;
  /** The URL browsers reach the relay at; null means `http://localhost:<port>` once listening. */
  publicUrl: string | null;
  /** Where the database and the relay secret live. */
  dataDir: string;
  storage: StorageKind;
  /**
   * A PostgreSQL URL (`postgres://user:password@host:5432/db`): the relay stores everything
   * there instead of SQLite, so several relay nodes can share it. Null: SQLite in `dataDir`.
   */
  databaseUrl: string | null;
  /** PostgreSQL only: connections this relay node keeps to the database, at most. */
  databasePoolSize: number;
  synchronous: SynchronousMode;
  /** Token signing secret; null means generated once and kept in `<dataDir>/relay-secret`. */
  secret: string | null;
  /** Email of the admin agent created on first start. */
  adminEmail: string;
  /** Password of that admin; null means generated and printed once. */
  adminPassword: string | null;
  /** Key of the demo site created on first start. */
  demoSiteKey: string;
  /** Identity-verification secret of the demo site; null means generated and printed once. */
  demoSiteSecret: string | null;
  /** Extra origins allowed to embed the demo site. */
  allowedOrigins: string[];
  /** Extra origins the console may be served from (agent WebSocket upgrades). */
  consoleOrigins: string[];
  /** Limits shared with the widget. */
  limits: Limits;
  /** Conversations per inbox page and in an agent's welcome. */
  inboxPageSize: number;
  /** Page views and events shown in a conversation's detail. */
  contextPageSize: number;
  /** Conversations an agent connection follows at once (opened most recently). */
  maxOpenConversations: number;
  /**
   * Ongoing message activity reaches agents' inboxes batched, one `inbox.activity` frame per
   * window with each conversation's latest activity; new conversations and status changes go out
   * at once, whole. 0: every message at once.
   */
  announceWindowMs: number;
  /**
   * Page views and events one visitor may send per minute, across all its tabs (also the burst).
   * More are refused with `rate_limited`; a refused page view still becomes the current page.
   */
  visitorActivityPerMinute: number;
  /** Page views and events one client address (an IPv6 /64) may send per minute, across visitors. */
  addressActivityPerMinute: number;
  /**
   * Agents get at most one `visitor.updated` per visitor per window, with the latest state and
   * the window's page views and events. 0: every change at once.
   */
  visitorUpdateWindowMs: number;
  /** Page views kept per visitor: older ones are deleted as new ones are written. */
  maxPageViewsPerVisitor: number;
  /** Tracked events kept per visitor: older ones are deleted as new ones are written. */
  maxEventsPerVisitor: number;
  /**
   * How often the relay re-reads the site memberships of the agents connected to it: a console
   * whose agent joined or left a site is reconnected (close 4010) with its new scope.
   */
  scopeRefreshMs: number;
  /** Failed logins one IP may make per minute before `/api/login` answers 429. */
  loginFailuresPerMinute: number;
  /** Largest JSON request body accepted by the HTTP API, in bytes. */
  maxBodyBytes: number;
  /** How long an agent token lives, in milliseconds. */
  agentTokenTtlMs: number;
  /**
   * How often each relay node checks its console connections' sessions against the store, in
   * milliseconds: a console signed out elsewhere, or whose agent was removed or got a new
   * password, closes (4001) within this time. A sign-out on the same node closes at once.
   */
  agentSessionCheckMs: number;
  /**
   * Co-browse frames a connection may send after its session ended or lost consent (page data
   * still in flight) before each further one counts towards `maxErrors`.
   */
  lateCobrowseFrames: number;
  /** New visitors one client address may create per minute (`POST /api/visitors` without a valid token). */
  visitorCreationsPerMinute: number;
  /** WebSocket connections open at once, in all; more are answered 503 before the upgrade. */
  maxConnections: number;
  /** WebSocket connections open at once from one client address (an IPv6 /64); more get 429. */
  maxConnectionsPerIp: number;
  /**
   * Connections the kernel holds for the relay before it accepts them (the listen backlog; the
   * kernel caps it at `net.core.somaxconn`). After a restart every client reconnects within a
   * second or two; a short queue drops their connection attempts and each waits for its TCP
   * retry (1 s, 3 s, 7 s, 15 s later) while the relay sits idle.
   */
  listenBacklog: number;
  /** Time a client has to send a request's headers, in milliseconds. */
  headersTimeoutMs: number;
  /** Time a client has to send a whole request (headers and body), in milliseconds. */
  requestTimeoutMs: number;
  /**
   * Reverse proxies in front of the relay that append to `X-Forwarded-For`; 0 ignores that
   * header and limits by the socket's address.
   */
  trustProxyHops: number;
  /** STUN servers handed to calls (`stun:` / `stuns:` URLs). */
  stunUrls: string[];
  /** TURN servers handed to calls (`turn:` / `turns:` URLs); they need `turnSecret`. */
  turnUrls: string[];
  /**
   * The TURN server's shared secret (coturn `static-auth-secret`): the relay issues each call
   * short-lived TURN credentials signed with it. Null: no TURN.
   */
  turnSecret: string | null;
  /** How long issued TURN credentials last, in seconds. */
  turnTtl: number;
  /**
   * The Redis that relay nodes share as their bus (`redis://` or `rediss://`, with a password
   * if needed). Null: the in-process bus of a single node.
   */
  redisUrl: string | null;
  /** Prefix of the Redis channels: clusters sharing one Redis need different ones. */
  redisPrefix: string;
  /**
   * This relay node's id in the cluster: on the bus, the `node` label of metrics and the `node`
   * field of JSON logs; null: the host name and a random part.
   */
  nodeId: string | null;
  logLevel: LogLevel;
  logFormat: LogFormat;
  /**
   * How long a drain (SIGTERM) waits for the frames its connections had sent to be handled and
   * acknowledged, and for the connections to close, in milliseconds; then it closes what is left.
   */
  drainTimeoutMs: number;
  /** A bearer token that lets any client read `/metrics`; null: loopback clients only. */
  metricsToken: string | null;
  /** Serve `/metrics` on this port of its own instead of the relay's (same host); null: the relay's port. */
  metricsPort: number | null;
}

/** Settings a caller may give; everything missing takes its default. */
export type RelayOptionsInput = Partial<Omit<RelayOptions, 'limits'>> & { limits?: Partial<Limits> };

/** The defaults of every setting that is not a protocol limit. */
export const DEFAULT_OPTIONS: Readonly<Omit<RelayOptions, 'limits'>> = Object.freeze({
  port: 8080,
  host: '0.0.0.0',
  publicUrl: null,
  dataDir: './data',
  storage: 'sqlite',
  databaseUrl: null,
  databasePoolSize: 10,
  synchronous: 'normal',
  secret: null,
  adminEmail: 'admin@localhost',
  adminPassword: null,
  demoSiteKey: 'demo',
  demoSiteSecret: null,
  allowedOrigins: [],
  consoleOrigins: [],
  inboxPageSize: 100,
  contextPageSize: 50,
  maxOpenConversations: 50,
  announceWindowMs: DEFAULT_ANNOUNCE_WINDOW_MS,
  visitorActivityPerMinute: DEFAULT_VISITOR_ACTIVITY_PER_MINUTE,
  addressActivityPerMinute: DEFAULT_ADDRESS_ACTIVITY_PER_MINUTE,
  visitorUpdateWindowMs: DEFAULT_VISITOR_UPDATE_WINDOW_MS,
  maxPageViewsPerVisitor: 200,
  maxEventsPerVisitor: 200,
  scopeRefreshMs: 10_000,
  loginFailuresPerMinute: 10,
  maxBodyBytes: 16 * 1024,
  agentTokenTtlMs: 12 * 60 * 60 * 1000,
  agentSessionCheckMs: 5_000,
  // A full snapshot split in about a hundred parts can be in flight when sharing stops.
  lateCobrowseFrames: 200,
  visitorCreationsPerMinute: 60,
  // The process may hold 20,000 descriptors here; the rest is headroom for HTTP, the database and logs.
  maxConnections: 19_000,
  maxConnectionsPerIp: 200,
  listenBacklog: 4096,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  trustProxyHops: 0,
  stunUrls: [],
  turnUrls: [],
  turnSecret: null,
  turnTtl: 3600,
  redisUrl: null,
  redisPrefix: 'parley:',
  nodeId: null,
  logLevel: 'info',
  logFormat: 'text',
  // Under the 30 s a container orchestrator usually waits between SIGTERM and SIGKILL.
  drainTimeoutMs: 10_000,
  metricsToken: null,
  metricsPort: null,
});

/** A setting that could not be read; the message names the flag and the value. */
export class OptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionsError';
  }
}

/** Merges the given settings over the defaults. The one place defaults are applied. */
export function resolveOptions(input: RelayOptionsInput = {}): RelayOptions {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const limitsIn = Object.fromEntries(Object.entries(input.limits ?? {}).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_OPTIONS, ...defined, limits: { ...DEFAULT_LIMITS, ...limitsIn } } as RelayOptions;
}

type Kind = 'int' | 'string' | 'list' | 'enum';

interface Setting {
  key: keyof Omit<RelayOptions, 'limits'>;
  env: string;
  flag: string;
  kind: Kind;
  values?: readonly string[];
}

/** Every non-limit setting with its environment variable and flag. */
export const SETTINGS: readonly Setting[] = [
  { key: 'port', env: 'PORT', flag: 'port', kind: 'int' },
  { key: 'host', env: 'PARLEY_HOST', flag: 'host', kind: 'string' },
  { key: 'publicUrl', env: 'PARLEY_PUBLIC_URL', flag: 'public-url', kind: 'string' },
  { key: 'dataDir', env: 'PARLEY_DATA_DIR', flag: 'data-dir', kind: 'string' },
  { key: 'storage', env: 'PARLEY_STORAGE', flag: 'storage', kind: 'enum', values: ['sqlite', 'memory'] },
  { key: 'databaseUrl', env: 'PARLEY_DATABASE_URL', flag: 'database-url', kind: 'string' },
  { key: 'databasePoolSize', env: 'PARLEY_DATABASE_POOL_SIZE', flag: 'database-pool-size', kind: 'int' },
  { key: 'synchronous', env: 'PARLEY_SYNCHRONOUS', flag: 'synchronous', kind: 'enum', values: ['normal', 'full'] },
  { key: 'secret', env: 'PARLEY_SECRET', flag: 'secret', kind: 'string' },
  { key: 'adminEmail', env: 'PARLEY_ADMIN_EMAIL', flag: 'admin-email', kind: 'string' },
  { key: 'adminPassword', env: 'PARLEY_ADMIN_PASSWORD', flag: 'admin-password', kind: 'string' },
  { key: 'demoSiteKey', env: 'PARLEY_DEMO_SITE_KEY', flag: 'demo-site-key', kind: 'string' },
  { key: 'demoSiteSecret', env: 'PARLEY_DEMO_SITE_SECRET', flag: 'demo-site-secret', kind: 'string' },
  { key: 'allowedOrigins', env: 'PARLEY_ALLOWED_ORIGINS', flag: 'allowed-origins', kind: 'list' },
  { key: 'consoleOrigins', env: 'PARLEY_CONSOLE_ORIGINS', flag: 'console-origins', kind: 'list' },
  { key: 'logLevel', env: 'PARLEY_LOG_LEVEL', flag: 'log-level', kind: 'enum', values: ['silent', 'error', 'info'] },
  { key: 'inboxPageSize', env: 'PARLEY_INBOX_PAGE_SIZE', flag: 'inbox-page-size', kind: 'int' },
  { key: 'contextPageSize', env: 'PARLEY_CONTEXT_PAGE_SIZE', flag: 'context-page-size', kind: 'int' },
  { key: 'maxOpenConversations', env: 'PARLEY_MAX_OPEN_CONVERSATIONS', flag: 'max-open-conversations', kind: 'int' },
  { key: 'announceWindowMs', env: 'PARLEY_ANNOUNCE_WINDOW_MS', flag: 'announce-window-ms', kind: 'int' },
  { key: 'visitorActivityPerMinute', env: 'PARLEY_VISITOR_ACTIVITY_PER_MINUTE', flag: 'visitor-activity-per-minute', kind: 'int' },
  { key: 'addressActivityPerMinute', env: 'PARLEY_ADDRESS_ACTIVITY_PER_MINUTE', flag: 'address-activity-per-minute', kind: 'int' },
  { key: 'visitorUpdateWindowMs', env: 'PARLEY_VISITOR_UPDATE_WINDOW_MS', flag: 'visitor-update-window-ms', kind: 'int' },
  { key: 'maxPageViewsPerVisitor', env: 'PARLEY_MAX_PAGE_VIEWS_PER_VISITOR', flag: 'max-page-views-per-visitor', kind: 'int' },
  { key: 'maxEventsPerVisitor', env: 'PARLEY_MAX_EVENTS_PER_VISITOR', flag: 'max-events-per-visitor', kind: 'int' },
  { key: 'scopeRefreshMs', env: 'PARLEY_SCOPE_REFRESH_MS', flag: 'scope-refresh-ms', kind: 'int' },
  { key: 'loginFailuresPerMinute', env: 'PARLEY_LOGIN_FAILURES_PER_MINUTE', flag: 'login-failures-per-minute', kind: 'int' },
  { key: 'maxBodyBytes', env: 'PARLEY_MAX_BODY_BYTES', flag: 'max-body-bytes', kind: 'int' },
  { key: 'agentTokenTtlMs', env: 'PARLEY_AGENT_TOKEN_TTL_MS', flag: 'agent-token-ttl-ms', kind: 'int' },
  { key: 'agentSessionCheckMs', env: 'PARLEY_AGENT_SESSION_CHECK_MS', flag: 'agent-session-check-ms', kind: 'int' },
  { key: 'lateCobrowseFrames', env: 'PARLEY_LATE_COBROWSE_FRAMES', flag: 'late-cobrowse-frames', kind: 'int' },
  { key: 'visitorCreationsPerMinute', env: 'PARLEY_VISITOR_CREATIONS_PER_MINUTE', flag: 'visitor-creations-per-minute', kind: 'int' },
  { key: 'maxConnections', env: 'PARLEY_MAX_CONNECTIONS', flag: 'max-connections', kind: 'int' },
  { key: 'maxConnectionsPerIp', env: 'PARLEY_MAX_CONNECTIONS_PER_IP', flag: 'max-connections-per-ip', kind: 'int' },
  { key: 'listenBacklog', env: 'PARLEY_LISTEN_BACKLOG', flag: 'listen-backlog', kind: 'int' },
  { key: 'headersTimeoutMs', env: 'PARLEY_HEADERS_TIMEOUT_MS', flag: 'headers-timeout-ms', kind: 'int' },
  { key: 'requestTimeoutMs', env: 'PARLEY_REQUEST_TIMEOUT_MS', flag: 'request-timeout-ms', kind: 'int' },
  { key: 'trustProxyHops', env: 'PARLEY_TRUST_PROXY_HOPS', flag: 'trust-proxy-hops', kind: 'int' },
  { key: 'stunUrls', env: 'PARLEY_STUN_URLS', flag: 'stun-urls', kind: 'list' },
  { key: 'turnUrls', env: 'PARLEY_TURN_URLS', flag: 'turn-urls', kind: 'list' },
  { key: 'turnSecret', env: 'PARLEY_TURN_SECRET', flag: 'turn-secret', kind: 'string' },
  { key: 'turnTtl', env: 'PARLEY_TURN_TTL', flag: 'turn-ttl', kind: 'int' },
  { key: 'redisUrl', env: 'PARLEY_REDIS_URL', flag: 'redis-url', kind: 'string' },
  { key: 'redisPrefix', env: 'PARLEY_REDIS_PREFIX', flag: 'redis-prefix', kind: 'string' },
  { key: 'nodeId', env: 'PARLEY_NODE_ID', flag: 'node-id', kind: 'string' },
  { key: 'logFormat', env: 'PARLEY_LOG_FORMAT', flag: 'log-format', kind: 'enum', values: ['text', 'json'] },
  { key: 'drainTimeoutMs', env: 'PARLEY_DRAIN_TIMEOUT_MS', flag: 'drain-timeout-ms', kind: 'int' },
  { key: 'metricsToken', env: 'PARLEY_METRICS_TOKEN', flag: 'metrics-token', kind: 'string' },
  { key: 'metricsPort', env: 'PARLEY_METRICS_PORT', flag: 'metrics-port', kind: 'int' },
];

/** `maxTextLength` -> `max-text-length`. */
function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The flag and environment variable of each protocol limit. */
export const LIMIT_SETTINGS: readonly { key: keyof Limits; env: string; flag: string }[] = (
  Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]
).map((key) => ({ key, flag: kebab(key), env: `PARLEY_${kebab(key).replace(/-/g, '_').toUpperCase()}` }));

function convert(raw: string, kind: Kind, flag: string, values?: readonly string[]): unknown {
  switch (kind) {
    case 'int': {
      if (!/^\d+$/.test(raw.trim())) throw new OptionsError(`--${flag} must be a whole number >= 0, got ${JSON.stringify(raw)}`);
      const n = Number(raw);
      if (!Number.isSafeInteger(n)) throw new OptionsError(`--${flag} is too large`);
      return n;
    }
    case 'list':
      return raw.split(',').map((s) => s.trim()).filter(Boolean);
    case 'enum':
      if (!values!.includes(raw)) throw new OptionsError(`--${flag} must be one of ${values!.join(', ')}, got ${JSON.stringify(raw)}`);
      return raw;
    default:
      return raw;
  }
}

/**
 * Splits `--name value` and `--name=value` flags. Throws on a flag without a value; leaves
 * positional arguments in `rest`.
 */
export function readFlags(argv: readonly string[]): { flags: Map<string, string>; rest: string[] } {
  const flags = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      rest.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1));
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new OptionsError(`${arg} needs a value`);
    flags.set(arg.slice(2), value);
    i++;
  }
  return { flags, rest };
}

/**
 * Reads the relay settings from command-line flags (after the command name) and environment
 * variables. Unknown flags are an error, so a typo never silently falls back to a default.
 */
export function parseOptions(argv: readonly string[], env: Record<string, string | undefined>): RelayOptions {
  const { flags, rest } = readFlags(argv);
  if (rest.length > 0) throw new OptionsError(`unexpected argument: ${rest[0]}`);
  const input: Record<string, unknown> = {};
  const limits: Record<string, unknown> = {};
  const known = new Set<string>();
  const pick = (env_: string, flag: string): string | undefined => flags.get(flag) ?? (env[env_] || undefined);

  for (const s of SETTINGS) {
    known.add(s.flag);
    const raw = pick(s.env, s.flag);
    if (raw !== undefined) input[s.key] = convert(raw, s.kind, s.flag, s.values);
  }
  for (const s of LIMIT_SETTINGS) {
    known.add(s.flag);
    const raw = pick(s.env, s.flag);
    if (raw !== undefined) limits[s.key] = convert(raw, 'int', s.flag);
  }
  for (const flag of flags.keys()) {
    if (!known.has(flag)) throw new OptionsError(`unknown flag --${flag}`);
  }
  const options = resolveOptions({ ...(input as RelayOptionsInput), limits: limits as Partial<Limits> });
  if (options.port > 65535) throw new OptionsError('--port must be at most 65535');
  if (options.metricsPort !== null && options.metricsPort > 65535) throw new OptionsError('--metrics-port must be at most 65535');
  if (options.publicUrl !== null) {
    try {
      new URL(options.publicUrl);
    } catch {
      throw new OptionsError(`--public-url is not a URL: ${JSON.stringify(options.publicUrl)}`);
    }
  }
  checkIceServers(options);
  checkBus(options);
  checkDatabaseUrl(options);
  return options;
}

/** Refuses a Redis URL or node id the bus could not use, before anything connects. */
function checkBus(options: RelayOptions): void {
  if (options.redisUrl !== null) {
    let protocol = '';
    try {
      protocol = new URL(options.redisUrl).protocol;
    } catch {
      // Reported below, without echoing a URL that may hold a password.
    }
    if (protocol !== 'redis:' && protocol !== 'rediss:') throw new OptionsError('--redis-url takes a redis:// or rediss:// URL');
    // Each node would otherwise make a secret of its own, and refuse every other node's tokens.
    if (options.secret === null) throw new OptionsError('--redis-url needs --secret (PARLEY_SECRET): the same token secret on every relay node');
  }
  if (options.nodeId !== null && !/^[\w.:-]{1,100}$/.test(options.nodeId)) {
    throw new OptionsError(`--node-id takes letters, digits, '.', ':', '_' and '-' (at most 100), got ${JSON.stringify(options.nodeId)}`);
  }
}

/** Refuses a database URL that is not PostgreSQL's, one given beside the memory store, and an empty pool. */
function checkDatabaseUrl(options: RelayOptions): void {
  if (options.databasePoolSize < 1) throw new OptionsError('--database-pool-size must be at least 1');
  if (options.databaseUrl === null) return;
  if (!/^postgres(ql)?:\/\/\S+$/.test(options.databaseUrl)) {
    // The value may hold a password: name the expected form, not the value.
    throw new OptionsError('--database-url takes a PostgreSQL URL, postgres://user:password@host:5432/database');
  }
  if (options.storage === 'memory') throw new OptionsError('--database-url and --storage memory exclude each other: choose one store');
}

/** Refuses ICE settings a browser would reject, before any call is made with them. */
function checkIceServers(options: RelayOptions): void {
  for (const url of options.stunUrls) {
    if (!/^stuns?:\S+$/.test(url)) throw new OptionsError(`--stun-urls takes stun: or stuns: URLs, got ${JSON.stringify(url)}`);
  }
  for (const url of options.turnUrls) {
    if (!/^turns?:\S+$/.test(url)) throw new OptionsError(`--turn-urls takes turn: or turns: URLs, got ${JSON.stringify(url)}`);
  }
  if (options.turnUrls.length > 0 && !options.turnSecret) {
    throw new OptionsError('--turn-urls needs --turn-secret (the TURN server\'s static-auth-secret)');
  }
  if (options.turnTtl < 60) throw new OptionsError('--turn-ttl must be at least 60 seconds');
}
