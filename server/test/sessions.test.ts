/**
 * Console sessions end on the relay: signing out, a password change and removing the agent stop
 * the token working and close the consoles using it with 4001, on a real relay and through the
 * real `parley` commands on its data directory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from '../src/cli/test-cli.js';
import { ADMIN_PASSWORD, PAGE_ORIGIN, TestClient, adminToken, postJson, startTestRelay, visitorToken, type TestRelay } from './relay-harness.js';

/** POSTs `/api/logout` with the token as a bearer credential. */
async function logout(relay: TestRelay, token: string | null): Promise<number> {
  const res = await fetch(`${relay.url}/api/logout`, { method: 'POST', headers: token === null ? {} : { Authorization: `Bearer ${token}` } });
  return res.status;
}

/** The HTTP status an upgrade with `token` gets (101 when it is accepted). */
async function upgradeStatus(relay: TestRelay, token: string): Promise<number> {
  const client = new TestClient(relay, token, relay.publicOrigin);
  try {
    await client.opened;
    client.close();
    return 101;
  } catch (error) {
    return Number(/HTTP (\d+)/.exec(String(error))?.[1] ?? 0);
  }
}

/** A console connection of `token`, after its welcome. */
async function console_(relay: TestRelay, token: string): Promise<TestClient> {
  const client = new TestClient(relay, token, relay.publicOrigin);
  await client.hello();
  return client;
}

/** True when `client` still answers a ping. */
async function answers(client: TestClient): Promise<boolean> {
  const t = Math.floor(Math.random() * 1e9);
  client.send({ type: 'ping', t });
  return (await client.next('pong', (f) => f.t === t)).t === t;
}

describe('signing out of the console', () => {
  let relay: TestRelay;
  // The periodic sweep is made too slow to matter: a sign-out on this node must close at once.
  beforeAll(async () => (relay = await startTestRelay({ agentSessionCheckMs: 600_000 })));
  afterAll(() => relay.stop());

  it('ends that session only: its console closes with 4001 and its token is refused, another sign-in keeps working', async () => {
    const laptopToken = await adminToken(relay);
    const phoneToken = await adminToken(relay);
    const laptop = await console_(relay, laptopToken);
    const phone = await console_(relay, phoneToken);

    expect(await logout(relay, laptopToken)).toBe(204);
    expect((await laptop.closed).code).toBe(4001);
    expect(laptop.frames.find((f) => f.type === 'error')).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('signed out') });
    expect(await upgradeStatus(relay, laptopToken)).toBe(401);
    expect(await answers(phone)).toBe(true);
    expect(await upgradeStatus(relay, phoneToken)).toBe(101);
    // Signing out twice is no error; a token that is not one is.
    expect(await logout(relay, laptopToken)).toBe(204);
    expect(await logout(relay, 'not-a-token')).toBe(401);
    expect(await logout(relay, null)).toBe(400);
    phone.close();
  });

  it('is refused from an origin that is not the console\'s', async () => {
    const token = await adminToken(relay);
    const res = await postJson(relay, '/api/logout', {}, { Authorization: `Bearer ${token}`, Origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(await upgradeStatus(relay, token)).toBe(101);
  });
});

describe('a password change or removal by the parley command while the relay runs', () => {
  let relay: TestRelay;
  beforeAll(async () => (relay = await startTestRelay({ agentSessionCheckMs: 100 })));
  afterAll(() => relay.stop());

  async function addAgent(email: string, password: string): Promise<void> {
    const run = await runCaptured(['agent', 'add', '--email', email, '--name', 'Ann', '--password', password, '--data-dir', relay.dataDir]);
    expect(run.code).toBe(0);
  }

  async function signIn(email: string, password: string): Promise<{ status: number; token: string }> {
    const res = await postJson(relay, '/api/login', { email, password });
    return { status: res.status, token: res.body.token as string };
  }

  it('closes the agent\'s open consoles with 4001 and refuses their tokens after passwd', async () => {
    await addAgent('pass@example.com', 'first-password-1');
    const { token } = await signIn('pass@example.com', 'first-password-1');
    const open = await console_(relay, token);
    const admin = await console_(relay, await adminToken(relay));

    const run = await runCaptured(['agent', 'passwd', 'pass@example.com', '--password', 'second-password-2', '--data-dir', relay.dataDir]);
    expect(run.code).toBe(0);
    expect((await open.closed).code).toBe(4001);
    expect(await upgradeStatus(relay, token)).toBe(401);
    expect((await signIn('pass@example.com', 'first-password-1')).status).toBe(401);
    expect((await signIn('pass@example.com', 'second-password-2')).status).toBe(200);
    expect(await answers(admin)).toBe(true);
    admin.close();
  });

  it('closes the removed agent\'s open consoles with 4001 and refuses their tokens', async () => {
    await addAgent('gone@example.com', 'gone-password-1');
    const { token } = await signIn('gone@example.com', 'gone-password-1');
    const open = await console_(relay, token);

    expect((await runCaptured(['agent', 'remove', 'gone@example.com', '--data-dir', relay.dataDir])).code).toBe(0);
    expect((await open.closed).code).toBe(4001);
    expect(await upgradeStatus(relay, token)).toBe(401);
    expect((await signIn('gone@example.com', 'gone-password-1')).status).toBe(401);
  });

  it('leaves visitors connected', async () => {
    const visitor = new TestClient(relay, (await visitorToken(relay)).token, PAGE_ORIGIN);
    await visitor.hello();
    await addAgent('brief@example.com', ADMIN_PASSWORD);
    const { token } = await signIn('brief@example.com', ADMIN_PASSWORD);
    const open = await console_(relay, token);
    await runCaptured(['agent', 'remove', 'brief@example.com', '--data-dir', relay.dataDir]);
    await open.closed;
    expect(await answers(visitor)).toBe(true);
    visitor.close();
  });
});
