import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CLOSE_CODES, FATAL_CLOSE_CODES, PROTOCOL_VERSION } from '@parley/protocol';
import { DATABASE_FILE } from '../src/storage/sqlite-storage.js';
import { PAGE_ORIGIN, TestClient, startTestRelay, visitorToken, type TestRelay } from './relay-harness.js';

describe('connection', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({
      limits: { helloTimeoutMs: 300, maxFrameBytes: 4096, framesPerSecond: 5, frameBurst: 10, maxErrors: 5, heartbeatMs: 200 },
    });
  });
  afterAll(() => relay.stop());

  async function visitor(options: { autoPong?: boolean } = {}): Promise<TestClient> {
    const client = new TestClient(relay, (await visitorToken(relay)).token, PAGE_ORIGIN, options);
    await client.opened;
    return client;
  }

  it('closes with 4003 when no hello arrives in time', async () => {
    const client = await visitor();
    expect((await client.closed).code).toBe(4003);
    expect(client.frames).toContainEqual(expect.objectContaining({ type: 'error', code: 'hello_timeout' }));
  });

  it('closes with 4000 on another protocol version', async () => {
    const client = await visitor();
    client.send({ type: 'hello', v: PROTOCOL_VERSION + 1 });
    expect((await client.closed).code).toBe(4000);
    expect(client.frames).toContainEqual(expect.objectContaining({ type: 'error', code: 'version_mismatch' }));
  });

  it('closes with 4002 when the first frame is not hello', async () => {
    const client = await visitor();
    client.send({ type: 'ping' });
    expect((await client.closed).code).toBe(4002);
  });

  it('closes with 4002 when the first frame is malformed: not JSON, binary, or a hello of the wrong shape', async () => {
    for (const first of ['{not json', Buffer.from([1, 2, 3]), JSON.stringify({ type: 'hello', v: 'one' }), JSON.stringify({ type: 'no.such.type' })]) {
      const client = await visitor();
      client.ws.send(first);
      expect((await client.closed).code).toBe(4002);
      expect(client.frames).toEqual([expect.objectContaining({ type: 'error', code: 'hello_required' })]);
    }
  });

  it('answers malformed JSON, unknown types and bad frames with error codes and stays open', async () => {
    const client = await visitor();
    await client.hello();
    client.send('{not json');
    expect((await client.next('error')).code).toBe('bad_json');
    client.send({ type: 'conversation.assign', conversationId: 'x' });
    expect(await client.next('error')).toMatchObject({ code: 'unknown_type', ref: 'conversation.assign' });
    client.send({ type: 'chat.send', clientId: 'short', text: 'hi' });
    expect(await client.next('error')).toMatchObject({ code: 'bad_frame', ref: 'short' });
    client.send({ type: 'chat.send', clientId: 'abcdefgh1', text: 'x'.repeat(4001) });
    expect(await client.next('error')).toMatchObject({ code: 'text_too_long', ref: 'abcdefgh1' });
    client.send({ type: 'ping', t: 1 });
    expect(await client.next('pong')).toEqual({ type: 'pong', t: 1 });
    client.close();
  });

  it('closes with 4008 after too many refused frames', async () => {
    const client = await visitor();
    await client.hello();
    for (let i = 0; i < 5; i++) client.send('nope');
    expect((await client.closed).code).toBe(4008);
  });

  it('closes an oversize frame with 1009', async () => {
    const client = await visitor();
    await client.hello();
    client.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(5000) }));
    expect((await client.closed).code).toBe(1009);
  });

  it('closes a flood with 4029 while another client keeps being served', async () => {
    const flooder = await visitor();
    const calm = await visitor();
    await flooder.hello();
    await calm.hello();
    for (let i = 0; i < 40; i++) flooder.send({ type: 'ping' });
    expect((await flooder.closed).code).toBe(4029);
    expect(flooder.frames).toContainEqual(expect.objectContaining({ type: 'error', code: 'rate_limited' }));
    calm.send({ type: 'chat.send', clientId: 'calm-client-1', text: 'still here' });
    expect((await calm.next('chat.ack')).seq).toBe(1);
    calm.close();
  });

  it('terminates a peer that stops answering pings', async () => {
    const client = await visitor({ autoPong: false });
    let pings = 0;
    client.ws.on('ping', () => (pings += 1));
    await client.hello();
    // Dropped without a close frame (1006) by the heartbeat: only after a ping went unanswered,
    // and the relay is still serving, so it was not a crash that dropped the socket.
    expect((await client.closed).code).toBe(1006);
    expect(pings).toBeGreaterThanOrEqual(1);
    const next = await visitor();
    expect((await next.hello()).type).toBe('welcome');
    next.close();
  });

  it('closes a hello it cannot answer for a reason other than an outage with 1011, and welcomes the reconnect once the cause is gone', async () => {
    const { token, visitorId } = await visitorToken(relay);
    // Upgraded, then a row the hello reads turns unreadable (written by hand, say): not an outage.
    const db = new BetterSqlite3(join(relay.dataDir, DATABASE_FILE));
    db.pragma('ignore_check_constraints = ON');
    const attributes = db.prepare<[string], { attributes: string }>('SELECT attributes FROM visitors WHERE id = ?').get(visitorId)!.attributes;
    const client = new TestClient(relay, token, PAGE_ORIGIN);
    await client.opened;
    db.prepare('UPDATE visitors SET attributes = ? WHERE id = ?').run('{not json', visitorId);
    client.send({ type: 'hello', v: PROTOCOL_VERSION });
    // Not left open without a welcome: closed with a code every client treats as "reconnect later".
    expect((await client.closed).code).toBe(CLOSE_CODES.internalError);
    expect(FATAL_CLOSE_CODES).not.toContain(CLOSE_CODES.internalError);
    expect(client.frames).toEqual([expect.objectContaining({ type: 'error', code: 'internal' })]);

    db.prepare('UPDATE visitors SET attributes = ? WHERE id = ?').run(attributes, visitorId);
    db.close();
    const again = new TestClient(relay, token, PAGE_ORIGIN);
    expect((await again.hello()).visitor?.id).toBe(visitorId);
    again.close();
  });
});
