import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StubRelay } from '../testing/stub-relay.js';
import { requestSession, SessionError } from './session.js';

describe('requestSession', () => {
  const relay = new StubRelay();
  let origin = '';
  beforeAll(async () => {
    origin = await relay.start();
  });
  afterAll(() => relay.close());

  async function failure(status: number): Promise<SessionError> {
    relay.sessionStatus = status;
    const error = await requestSession(origin, 'demo', null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionError);
    return error as SessionError;
  }

  it('returns the token and visitor id the relay issues', async () => {
    relay.sessionStatus = 200;
    await expect(requestSession(origin, 'demo', null)).resolves.toEqual({ token: expect.stringMatching(/^token-/), visitorId: 'v1' });
  });

  it('gives up on a refusal that retrying cannot fix (wrong site or origin)', async () => {
    expect((await failure(403)).fatal).toBe(true);
    expect((await failure(404)).fatal).toBe(true);
  });

  it('retries after a rate limit, a request timeout or a relay error', async () => {
    for (const status of [429, 408, 503]) {
      const error = await failure(status);
      expect(error.fatal, String(status)).toBe(false);
      expect(error.code).toBe('unavailable');
    }
  });

  it('posts a CORS simple request: a JSON body declared text/plain, so no preflight is needed', async () => {
    relay.sessionStatus = 200;
    await requestSession(origin, 'demo', null);
    expect(relay.sessionContentType).toBe('text/plain');
  });

  it('reports an unreadable answer from a relay that answers otherwise as refused, not to retry', async () => {
    relay.unreadableSessions = true;
    try {
      const error = await requestSession(origin, 'demo', null).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'refused', fatal: true });
    } finally {
      relay.unreadableSessions = false;
    }
  });

  it('asks once more before calling an unreadable answer a refusal: a relay restarting is not one', async () => {
    relay.sessionStatus = 200;
    relay.unreadableSessionsLeft = 1;
    await expect(requestSession(origin, 'demo', null)).resolves.toMatchObject({ visitorId: 'v1' });
    expect(relay.unreadableSessionsLeft).toBe(0);
  });

  it('reports an unreachable relay as a network error to retry', async () => {
    const error = await requestSession('http://127.0.0.1:9', 'demo', null).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'network', fatal: false });
  });
});
