// The baseline: the least a chat relay can do over `ws`. It parses each send, answers the
// sender with an ack and forwards the message to the room's other side (the visitor, or every
// agent connection following the room). No auth, no storage,
// no validation, so the gap to Parley is the price of everything Parley adds.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

/**
 * Starts the bare relay on 127.0.0.1. Visitors connect to `/ws?room=<id>`; an agent connection
 * joins rooms with `{ type: 'conversation.open', conversationId }`.
 * @returns {Promise<{ port: number, connections(): number, close(): Promise<void> }>}
 */
export async function startBareRelay() {
  const server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 64 * 1024 });
  /** room -> { visitor, agents (every connection following it), seq } */
  const rooms = new Map();
  const roomOf = (id) => {
    let room = rooms.get(id);
    if (!room) rooms.set(id, (room = { visitor: null, agents: new Set(), seq: 0 }));
    return room;
  };

  wss.on('connection', (ws, req) => {
    const roomId = new URL(req.url ?? '/', 'http://bare.invalid').searchParams.get('room');
    if (roomId) roomOf(roomId).visitor = ws;
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'conversation.open') {
        roomOf(frame.conversationId).agents.add(ws);
        return;
      }
      if (frame.type !== 'chat.send') return;
      const room = roomOf(frame.conversationId);
      const at = Date.now();
      const seq = ++room.seq;
      const messageId = `${frame.conversationId}-${seq}`;
      ws.send(JSON.stringify({ type: 'chat.ack', clientId: frame.clientId, conversationId: frame.conversationId, messageId, seq, at }));
      const fromVisitor = ws === room.visitor;
      const message = { id: messageId, conversationId: frame.conversationId, seq, clientId: frame.clientId, author: fromVisitor ? 'visitor' : 'agent', authorId: roomId ?? '', text: frame.text, at };
      const out = JSON.stringify({ type: 'chat.message', message });
      if (!fromVisitor) room.visitor?.send(out);
      else for (const agent of room.agents) agent.send(out);
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (roomId && rooms.get(roomId)?.visitor === ws) rooms.delete(roomId);
    });
  });

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    connections: () => wss.clients.size,
    close: () =>
      new Promise((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => server.close(() => resolve()));
      }),
  };
}
