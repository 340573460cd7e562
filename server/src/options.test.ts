import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '@parley/protocol';
import { OptionsError, parseOptions, resolveOptions } from './options.js';

describe('resolveOptions', () => {
  it('fills every setting and limit with its default', () => {
    const options = resolveOptions();
    expect(options.port).toBe(8080);
    expect(options.host).toBe('0.0.0.0');
    expect(options.storage).toBe('sqlite');
    expect(options.limits).toEqual(DEFAULT_LIMITS);
  });

  it('keeps given values and ignores undefined ones', () => {
    const options = resolveOptions({ port: 0, host: undefined, limits: { maxTextLength: 10, maxErrors: undefined } });
    expect(options.port).toBe(0);
    expect(options.host).toBe('0.0.0.0');
    expect(options.limits.maxTextLength).toBe(10);
    expect(options.limits.maxErrors).toBe(DEFAULT_LIMITS.maxErrors);
  });
});

describe('parseOptions', () => {
  it('reads environment variables', () => {
    const options = parseOptions([], {
      PORT: '9000',
      PARLEY_DATA_DIR: '/tmp/x',
      PARLEY_STORAGE: 'memory',
      PARLEY_ALLOWED_ORIGINS: 'https://a.example, https://*.b.example',
      PARLEY_MAX_TEXT_LENGTH: '100',
    });
    expect(options.port).toBe(9000);
    expect(options.dataDir).toBe('/tmp/x');
    expect(options.storage).toBe('memory');
    expect(options.allowedOrigins).toEqual(['https://a.example', 'https://*.b.example']);
    expect(options.limits.maxTextLength).toBe(100);
  });

  it('lets a flag beat its environment variable, in both flag spellings', () => {
    const options = parseOptions(['--port', '0', '--max-frame-bytes=2048', '--synchronous', 'full'], { PORT: '9000' });
    expect(options.port).toBe(0);
    expect(options.limits.maxFrameBytes).toBe(2048);
    expect(options.synchronous).toBe('full');
  });

  it('refuses unknown flags, bad numbers and bad choices', () => {
    expect(() => parseOptions(['--prot', '1'], {})).toThrow(OptionsError);
    expect(() => parseOptions(['--port', 'eighty'], {})).toThrow(/whole number/);
    expect(() => parseOptions(['--port', '70000'], {})).toThrow(/65535/);
    expect(() => parseOptions(['--storage', 'mongo'], {})).toThrow(/sqlite, memory/);
    expect(() => parseOptions(['--port'], {})).toThrow(/needs a value/);
    expect(() => parseOptions(['--public-url', 'not a url'], {})).toThrow(/not a URL/);
  });

  it('reads the co-browse limits like every other limit', () => {
    const options = parseOptions(['--cobrowse-resume-ms', '5000', '--cobrowse-frame-burst=50'], {
      PARLEY_COBROWSE_FRAMES_PER_SECOND: '30',
      PARLEY_COBROWSE_CHECKPOINT_BYTES: '1048576',
      PARLEY_COBROWSE_REQUEST_MS: '90000',
    });
    expect(options.limits).toMatchObject({
      cobrowseFramesPerSecond: 30,
      cobrowseFrameBurst: 50,
      cobrowseCheckpointBytes: 1048576,
      cobrowseResumeMs: 5000,
      cobrowseRequestMs: 90000,
    });
  });

  it('reads the call limits like every other limit', () => {
    const options = parseOptions(['--call-ring-ms', '20000'], { PARLEY_CALL_REJOIN_MS: '5000', PARLEY_CALLBACKS_PER_DAY: '3' });
    expect(options.limits).toMatchObject({ callRingMs: 20000, callRejoinMs: 5000, callbacksPerDay: 3 });
  });

  it('reads STUN and TURN servers, the TURN secret and the credential lifetime', () => {
    expect(resolveOptions()).toMatchObject({ stunUrls: [], turnUrls: [], turnSecret: null, turnTtl: 3600 });
    const options = parseOptions(['--turn-ttl', '600', '--turn-urls=turn:turn.example:3478?transport=udp,turns:turn.example:5349'], {
      PARLEY_STUN_URLS: 'stun:stun.example:3478',
      PARLEY_TURN_SECRET: 'coturn-shared-secret',
    });
    expect(options).toMatchObject({
      stunUrls: ['stun:stun.example:3478'],
      turnUrls: ['turn:turn.example:3478?transport=udp', 'turns:turn.example:5349'],
      turnSecret: 'coturn-shared-secret',
      turnTtl: 600,
    });
  });

  it('refuses ICE settings a browser would reject', () => {
    expect(() => parseOptions(['--stun-urls', 'https://stun.example'], {})).toThrow(/stun: or stuns:/);
    expect(() => parseOptions(['--turn-urls', 'stun:x.example', '--turn-secret', 's'], {})).toThrow(/turn: or turns:/);
    expect(() => parseOptions(['--turn-urls', 'turn:x.example'], {})).toThrow(/--turn-secret/);
    expect(() => parseOptions(['--turn-ttl', '10'], {})).toThrow(/at least 60/);
  });

  it('reads the Redis bus settings: none by default (the in-process bus of one node)', () => {
    expect(resolveOptions()).toMatchObject({ redisUrl: null, redisPrefix: 'parley:', nodeId: null });
    const options = parseOptions(['--node-id', 'relay-2'], { PARLEY_REDIS_URL: 'redis://:pw@10.0.0.5:6379/2', PARLEY_REDIS_PREFIX: 'shop:', PARLEY_SECRET: 'shared' });
    expect(options).toMatchObject({ redisUrl: 'redis://:pw@10.0.0.5:6379/2', redisPrefix: 'shop:', nodeId: 'relay-2' });
    expect(parseOptions(['--redis-url', 'rediss://cache.example:6380', '--secret', 'shared'], {}).redisUrl).toBe('rediss://cache.example:6380');
  });

  it('refuses a Redis bus without a token secret shared by every node', () => {
    expect(() => parseOptions(['--redis-url', 'redis://cache.example:6379'], {})).toThrow(/--redis-url needs --secret \(PARLEY_SECRET\)/);
  });

  it('refuses a Redis URL that is not one, without echoing it, and an unusable node id', () => {
    expect(() => parseOptions(['--redis-url', 'http://user:secret@cache.example'], {})).toThrow(/--redis-url takes a redis:\/\/ or rediss:\/\/ URL$/);
    expect(() => parseOptions(['--redis-url', 'localhost:6379'], {})).toThrow(/--redis-url/);
    expect(() => parseOptions(['--node-id', 'relay 2'], {})).toThrow(/--node-id/);
  });

  it('reads the operations settings: log format, node id, drain timeout, metrics token and port', () => {
    expect(resolveOptions()).toMatchObject({ logFormat: 'text', nodeId: null, drainTimeoutMs: 10_000, metricsToken: null, metricsPort: null });
    const options = parseOptions(['--log-format', 'json', '--metrics-port=9100'], {
      PARLEY_NODE_ID: 'relay-a',
      PARLEY_DRAIN_TIMEOUT_MS: '25000',
      PARLEY_METRICS_TOKEN: 'scrape-me',
    });
    expect(options).toMatchObject({ logFormat: 'json', nodeId: 'relay-a', drainTimeoutMs: 25_000, metricsToken: 'scrape-me', metricsPort: 9100 });
    expect(() => parseOptions(['--log-format', 'xml'], {})).toThrow(/text, json/);
    expect(() => parseOptions(['--metrics-port', '70000'], {})).toThrow(/--metrics-port must be at most 65535/);
  });

  it('ignores empty environment variables', () => {
    expect(parseOptions([], { PORT: '' }).port).toBe(8080);
  });
});

describe('SETTINGS', () => {
  it('gives every non-limit option an environment variable and a flag', async () => {
    const { SETTINGS, DEFAULT_OPTIONS } = await import('./options.js');
    expect(SETTINGS.map((s) => s.key).sort()).toEqual(Object.keys(DEFAULT_OPTIONS).sort());
  });

  it('lists every setting and limit in the README settings table', async () => {
    const { readFile } = await import('node:fs/promises');
    const { SETTINGS, LIMIT_SETTINGS } = await import('./options.js');
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    for (const s of SETTINGS) expect(readme, s.env).toContain(`| \`${s.env}\` | \`--${s.flag}\` |`);
    const protocol = await readFile(new URL('../../packages/protocol/README.md', import.meta.url), 'utf8');
    for (const l of LIMIT_SETTINGS) expect(protocol, l.key).toContain(`| \`${l.key}\` |`);
  });
});

describe('the database URL', () => {
  it('defaults to none (SQLite in the data dir); a flag beats the environment variable', () => {
    expect(resolveOptions().databaseUrl).toBeNull();
    expect(parseOptions([], { PARLEY_DATABASE_URL: 'postgres://a@db/x' }).databaseUrl).toBe('postgres://a@db/x');
    expect(parseOptions(['--database-url', 'postgresql://b@db/y'], { PARLEY_DATABASE_URL: 'postgres://a@db/x' }).databaseUrl).toBe('postgresql://b@db/y');
  });

  it('refuses a URL that is not PostgreSQL\'s, without echoing it, and the memory store beside one', () => {
    expect(() => parseOptions(['--database-url', 'mysql://root:secret@db/x'], {})).toThrow(
      new OptionsError('--database-url takes a PostgreSQL URL, postgres://user:password@host:5432/database'),
    );
    expect(() => parseOptions(['--database-url', 'postgres://a@db/x', '--storage', 'memory'], {})).toThrow(OptionsError);
  });

  it('keeps 10 connections per node unless told otherwise, and at least one', () => {
    expect(resolveOptions().databasePoolSize).toBe(10);
    expect(parseOptions(['--database-pool-size', '4'], {}).databasePoolSize).toBe(4);
    expect(() => parseOptions(['--database-pool-size', '0'], {})).toThrow(new OptionsError('--database-pool-size must be at least 1'));
  });
});
