// The peer baseline: the chat flow on Socket.IO 4, as a site would write it instead of using
// Parley. Visitors join their room on connect, an agent connection joins rooms with
// `conversation.open`, and `chat.send` is answered with a Socket.IO ack and broadcast to the
// room's other members. It persists NOTHING: the ack means "held in this process's memory"
// (the per-room seq too, which restarts with the process), unlike Parley's ack, which means
// stored. With `redisUrl` it is one node of a cluster on @socket.io/redis-adapter, so a
// broadcast reaches the room's members on every node (published while Redis is down, it is lost).
import { createServer } from 'node:http';
import { Server } from 'socket.io';

/**
 * Starts the Socket.IO relay on 127.0.0.1 (`port` 0: a free one). WebSocket transport only, no
 * compression: the same wire conditions as the Parley and bare `ws` relays.
 * @param {{ port?: number, redisUrl?: string | null }} [options]
 * @returns {Promise<{ port: number, connections(): number, close(): Promise<void> }>}
 */
export async function startSocketIoRelay({ port = 0, redisUrl = null } = {}) {
  const server = createServer((_req, res) => res.writeHead(404).end());
  const io = new Server(server, { transports: ['websocket'], perMessageDeflate: false, serveClient: false, maxHttpBufferSize: 64 * 1024 });
  const redis = redisUrl ? await redisAdapter(io, redisUrl) : [];
  /** room -> last seq given on this node */
  const seqs = new Map();

  io.on('connection', (socket) => {
    const room = socket.handshake.auth?.room;
    if (typeof room === 'string') socket.join(room);
    socket.on('conversation.open', (conversationId, ack) => {
      socket.join(conversationId);
      if (typeof ack === 'function') ack(true);
    });
    socket.on('chat.send', (frame, ack) => {
      const { conversationId, clientId, text } = frame ?? {};
      if (typeof conversationId !== 'string' || typeof ack !== 'function') return;
      const seq = (seqs.get(conversationId) ?? 0) + 1;
      seqs.set(conversationId, seq);
      const at = Date.now();
      const messageId = `${conversationId}-${seq}`;
      ack({ clientId, conversationId, messageId, seq, at });
      const author = room === conversationId ? 'visitor' : 'agent';
      socket.to(conversationId).emit('chat.message', { id: messageId, conversationId, seq, clientId, author, authorId: socket.id, text, at });
    });
  });

  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    connections: () => io.engine.clientsCount,
    close: async () => {
      // Cut every connection at once, as the bare relay does: a stalled consumer that reads
      // nothing would otherwise hold the close handshake (and the server's close) for 30 s.
      for (const client of Object.values(io.engine.clients)) client.transport?.socket?.terminate?.();
      await new Promise((resolve) => io.close(() => resolve()));
      await Promise.all(redis.map((client) => client.quit().catch(() => undefined)));
    },
  };
}

/** Puts `io` on the Redis adapter (a publishing and a subscribing ioredis connection). */
async function redisAdapter(io, url) {
  const [{ createAdapter }, { Redis }] = await Promise.all([import('@socket.io/redis-adapter'), import('ioredis')]);
  const pub = new Redis(url);
  const sub = pub.duplicate();
  await Promise.all([pub, sub].map((client) => new Promise((resolve, reject) => client.once('ready', resolve).once('error', reject))));
  io.adapter(createAdapter(pub, sub));
  return [pub, sub];
}
