/**
 * A STUN server that points every browser at a dead end, so ICE really fails on loopback. It
 * answers each Binding request (RFC 5389) with a mapped address that belongs to a socket which
 * swallows every datagram, as a firewall that drops traffic would. A browser that may only use
 * its public address (see `call-failure-env.ts`) then offers nothing but that address: each
 * side's connectivity checks go into the silent socket, none is answered, and both peer
 * connections end `failed`. Nothing in the pages is stubbed; only the network lies.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

/** The fixed cookie every RFC 5389 message carries after its length. */
const MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const XOR_MAPPED_ADDRESS = 0x0020;
const HEADER_BYTES = 20;

/** A running dead-end STUN server. */
export interface DeadEndStun {
  /** The `stun:` URL to hand to the relay (`--stun-urls`). */
  readonly url: string;
  /** How many datagrams (connectivity checks) reached the silent address and were dropped. */
  swallowed(): number;
  /** Stops both sockets. */
  close(): Promise<void>;
}

function bind(socket: Socket, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => {
      socket.off('error', reject);
      resolve(socket.address().port);
    });
  });
}

/** The Binding success response to `request`, mapping the sender to `host:port`. */
function bindingResponse(request: Buffer, host: string, port: number): Buffer {
  const attribute = Buffer.alloc(12);
  attribute.writeUInt16BE(XOR_MAPPED_ADDRESS, 0);
  attribute.writeUInt16BE(8, 2);
  attribute.writeUInt8(0x01, 5); // IPv4
  attribute.writeUInt16BE(port ^ (MAGIC_COOKIE >>> 16), 6);
  const address = host.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
  attribute.writeUInt32BE((address ^ MAGIC_COOKIE) >>> 0, 8);
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt16BE(BINDING_SUCCESS, 0);
  header.writeUInt16BE(attribute.length, 2);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  request.copy(header, 8, 8, HEADER_BYTES); // the transaction id
  return Buffer.concat([header, attribute]);
}

/** Starts a dead-end STUN server on `host` (loopback by default), on ports chosen by the OS. */
export async function startDeadEndStun(host = '127.0.0.1'): Promise<DeadEndStun> {
  const silent = createSocket('udp4');
  const stun = createSocket('udp4');
  let swallowed = 0;
  silent.on('message', () => {
    swallowed++;
  });
  const silentPort = await bind(silent, host);
  stun.on('message', (message: Buffer, from: RemoteInfo) => {
    const isBinding = message.length >= HEADER_BYTES && message.readUInt16BE(0) === BINDING_REQUEST && message.readUInt32BE(4) === MAGIC_COOKIE;
    if (isBinding) stun.send(bindingResponse(message, host, silentPort), from.port, from.address);
  });
  const stunPort = await bind(stun, host);
  const closeSocket = (socket: Socket) => new Promise<void>((resolve) => socket.close(() => resolve()));
  return {
    url: `stun:${host}:${stunPort}`,
    swallowed: () => swallowed,
    close: async () => {
      await Promise.all([closeSocket(silent), closeSocket(stun)]);
    },
  };
}
