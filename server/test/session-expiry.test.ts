import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_ORIGIN, TestClient, adminToken, startTestRelay, visitorToken, type TestRelay } from './relay-harness.js';

describe('a console session that expires while connected', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    // A short session and a fast heartbeat, whose sweep enforces token expiry.
    relay = await startTestRelay({ agentTokenTtlMs: 1_500, limits: { heartbeatMs: 200 } });
  });
  afterAll(() => relay.stop());

  it('is closed with 4001 once its token expires, while a visitor stays connected', async () => {
    const agent = new TestClient(relay, await adminToken(relay), relay.publicOrigin);
    await agent.hello();
    const visitor = new TestClient(relay, (await visitorToken(relay)).token, PAGE_ORIGIN);
    await visitor.hello();
    const startedAt = Date.now();

    const closed = await agent.closed;
    expect(closed.code).toBe(4001);
    expect(Date.now() - startedAt).toBeLessThan(1_500 + 1_000);
    const error = agent.frames.find((f) => f.type === 'error');
    expect(error).toMatchObject({ type: 'error', code: 'unauthorized' });

    visitor.send({ type: 'ping', t: 1 });
    await expect(visitor.next('pong')).resolves.toMatchObject({ type: 'pong', t: 1 });
    visitor.close();
  });
});
