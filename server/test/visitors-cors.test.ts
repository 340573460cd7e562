import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../src/log.js';
import { PAGE_ORIGIN, postJson, startTestRelay, type TestRelay } from './relay-harness.js';

/** Every CORS response header a page's fetch could be granted by. */
function corsHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name.startsWith('access-control-')) out[name] = value;
  });
  return out;
}

describe('POST /api/visitors CORS', () => {
  let relay: TestRelay;
  const logged: string[] = [];
  beforeAll(async () => {
    const log: Logger = { info: (message) => logged.push(message), error: (message) => logged.push(message) };
    relay = await startTestRelay({ log });
  });
  afterAll(() => relay.stop());

  it('grants an allowed origin, also for the JSON body the widget declares text/plain (no preflight)', async () => {
    for (const type of ['application/json', 'text/plain', 'text/plain;charset=UTF-8']) {
      const ok = await postJson(relay, '/api/visitors', { siteKey: 'demo' }, { Origin: PAGE_ORIGIN, 'Content-Type': type });
      expect(ok.status).toBe(200);
      expect(typeof ok.body.token).toBe('string');
      expect(corsHeaders(ok.headers)).toEqual({ 'access-control-allow-origin': PAGE_ORIGIN });
      expect(ok.headers.get('vary')).toBe('Origin');
    }
  });

  it('grants nothing to a refused origin, to null, or for an unknown key, so no page can tell them apart', async () => {
    const refused = [
      { siteKey: 'demo', origin: 'https://evil.example' },
      { siteKey: 'demo', origin: 'null' },
      { siteKey: 'no-such-key', origin: PAGE_ORIGIN },
      { siteKey: 'no-such-key', origin: 'https://evil.example' },
      { siteKey: 'no-such-key', origin: 'null' },
    ];
    for (const { siteKey, origin } of refused) {
      for (const type of ['application/json', 'text/plain']) {
        const res = await postJson(relay, '/api/visitors', { siteKey }, { Origin: origin, 'Content-Type': type });
        expect([403, 404]).toContain(res.status);
        expect(corsHeaders(res.headers), `${siteKey} from ${origin}`).toEqual({});
        expect(res.body.token).toBeUndefined();
      }
    }
    // Malformed bodies are answered before any site is known: no grant either.
    const bad = await postJson(relay, '/api/visitors', '{bad', { Origin: 'https://evil.example' });
    expect(bad.status).toBe(400);
    expect(corsHeaders(bad.headers)).toEqual({});
  });

  it('never answers a preflight with a grant, whatever the origin', async () => {
    for (const origin of [PAGE_ORIGIN, 'https://evil.example', 'null']) {
      const res = await fetch(`${relay.url}/api/visitors`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
      });
      expect(res.status).toBe(405);
      expect(corsHeaders(res.headers)).toEqual({});
    }
  });

  it('logs the exact cause of a refusal once a minute per key and origin, with the fix', async () => {
    logged.length = 0;
    for (let i = 0; i < 3; i++) {
      await postJson(relay, '/api/visitors', { siteKey: 'typo-key' }, { Origin: PAGE_ORIGIN });
      await postJson(relay, '/api/visitors', { siteKey: 'demo' }, { Origin: 'https://shop.example' });
    }
    expect(logged).toEqual([
      `widget refused: site key "typo-key" is unknown (page ${PAGE_ORIGIN}); see \`parley site list\``,
      'widget refused: https://shop.example is not an allowed origin of site "demo"; add it with `parley site origins --key demo --add https://shop.example`',
    ]);
  });
});
