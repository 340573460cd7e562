import { describe, expect, it } from 'vitest';
import { PAGE_ORIGIN, TestClient, startTestRelay, visitorToken } from './relay-harness.js';

describe('relay shutdown and slow consumers', () => {
  it('closes every connection with 1001 on a graceful shutdown', async () => {
    const relay = await startTestRelay();
    const client = new TestClient(relay, (await visitorToken(relay)).token, PAGE_ORIGIN);
    await client.hello();
    await relay.stop();
    expect((await client.closed).code).toBe(1001);
    expect(client.frames).toContainEqual(expect.objectContaining({ type: 'error', code: 'shutting_down' }));
  });

  it('cuts a connection that stopped reading and keeps serving the others', async () => {
    const relay = await startTestRelay({ limits: { maxBufferedBytes: 64 * 1024, framesPerSecond: 100_000, frameBurst: 100_000 } });
    try {
      const { token } = await visitorToken(relay);
      const writer = new TestClient(relay, token, PAGE_ORIGIN);
      const reader = new TestClient(relay, token, PAGE_ORIGIN);
      await writer.hello();
      await reader.hello();
      // The reader's tab freezes: nothing it is sent gets read any more.
      (reader.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const text = 'x'.repeat(3900);
      const sent = 1500; // about 6 MB, far beyond the socket buffers of a loopback connection
      for (let i = 0; i < sent; i++) {
        writer.send({ type: 'chat.send', clientId: `slow-msg-${i}`, text });
        await writer.next('chat.ack', (f) => f.clientId === `slow-msg-${i}`);
      }
      writer.send({ type: 'chat.send', clientId: 'after-cut-1', text: 'still served' });
      expect((await writer.next('chat.ack', (f) => f.clientId === 'after-cut-1')).seq).toBeGreaterThan(1);
      (reader.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      // Cut off: whatever the kernel had buffered arrives, then the close; the rest was dropped.
      expect([4009, 1006]).toContain((await reader.closed).code);
      expect(reader.frames.filter((f) => f.type === 'chat.message').length).toBeLessThan(sent);
      writer.close();
    } finally {
      await relay.stop();
    }
  });
});
