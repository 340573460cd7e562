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

  it('cuts a connection that stopped reading with its close code and keeps serving the others', async () => {
    let cutOff!: () => void;
    const cut = new Promise<void>((resolve) => (cutOff = resolve));
    const log = {
      info: (message: string) => (message === 'slow consumer cut off' ? cutOff() : undefined),
      error: () => undefined,
    };
    const relay = await startTestRelay({ log, limits: { maxBufferedBytes: 64 * 1024, framesPerSecond: 100_000, frameBurst: 100_000 } });
    try {
      const { token } = await visitorToken(relay);
      const writer = new TestClient(relay, token, PAGE_ORIGIN);
      const reader = new TestClient(relay, token, PAGE_ORIGIN);
      await writer.hello();
      await reader.hello();
      // The reader's tab freezes: nothing it is sent gets read any more.
      (reader.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      let isCut = false;
      void cut.then(() => (isCut = true));
      const text = 'x'.repeat(3900);
      const most = 1500; // about 6 MB, far beyond the socket buffers of a loopback connection
      let sent = 0;
      while (!isCut && sent < most) {
        writer.send({ type: 'chat.send', clientId: `slow-msg-${sent}`, text });
        await writer.next('chat.ack', (f) => f.clientId === `slow-msg-${sent}`);
        sent += 1;
      }
      expect(isCut, `the reader was not cut off after ${sent} messages`).toBe(true);
      writer.send({ type: 'chat.send', clientId: 'after-cut-1', text: 'still served' });
      expect((await writer.next('chat.ack', (f) => f.clientId === 'after-cut-1')).seq).toBeGreaterThan(1);
      // Reading again at once, well within the close grace: what was buffered before the cut
      // arrives, then the relay's own close (not a dropped socket).
      (reader.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      expect((await reader.closed).code).toBe(4009);
      expect(reader.frames).toContainEqual(expect.objectContaining({ type: 'error', code: 'slow_consumer' }));
      // Nothing after the cut was sent to it: the writer's next message never reached the reader.
      const received = reader.frames.flatMap((f) => (f.type === 'chat.message' ? [f.message.clientId] : []));
      expect(received.length).toBeLessThanOrEqual(sent);
      expect(received).not.toContain('after-cut-1');
      writer.close();
    } finally {
      await relay.stop();
    }
  });
});
