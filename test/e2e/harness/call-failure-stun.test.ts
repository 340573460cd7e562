import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeadEndStun, type DeadEndStun } from './call-failure-stun.js';

let stun: DeadEndStun;
beforeAll(async () => {
  stun = await startDeadEndStun();
});
afterAll(() => stun.close());

/** Sends one datagram from a fresh socket to `port` and resolves with the first reply, if any is wanted. */
function exchange(port: number, datagram: Buffer, wantReply: boolean): Promise<Buffer | null> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('message', (reply) => {
      socket.close();
      resolve(reply);
    });
    socket.send(datagram, port, '127.0.0.1', (error) => {
      if (error) return reject(error);
      if (!wantReply) {
        socket.close();
        resolve(null);
      }
    });
  });
}

function bindingRequest(transactionId: Buffer): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt16BE(0x0001, 0);
  header.writeUInt32BE(0x2112a442, 4);
  transactionId.copy(header, 8);
  return header;
}

describe('startDeadEndStun', () => {
  it('answers a Binding request with a loopback address whose socket swallows what it receives', async () => {
    const port = Number(/^stun:127\.0\.0\.1:(\d+)$/.exec(stun.url)?.[1]);
    expect(port).toBeGreaterThan(0);
    const transactionId = randomBytes(12);
    const reply = (await exchange(port, bindingRequest(transactionId), true))!;

    expect(reply.readUInt16BE(0)).toBe(0x0101);
    expect(reply.subarray(8, 20).equals(transactionId)).toBe(true);
    expect(reply.readUInt16BE(20)).toBe(0x0020);
    const mappedPort = reply.readUInt16BE(26) ^ 0x2112;
    const mappedAddress = [0x21, 0x12, 0xa4, 0x42].map((mask, i) => reply[28 + i]! ^ mask).join('.');
    expect(mappedAddress).toBe('127.0.0.1');

    const before = stun.swallowed();
    await exchange(mappedPort, Buffer.from('connectivity check'), false);
    await expect.poll(() => stun.swallowed()).toBe(before + 1);
  });
});
