// How a load generator reaches each relay under test. All targets offer the same steps, so the
// workload code is identical: prepare visitors (credentials), connect them, start one
// conversation each, and open agent connections that follow a share of the conversations.
import { ADMIN_PASSWORD, PROTOCOL_VERSION, connectPaced, pool, postJson, waitFor } from './parley-client.mjs';
import { connectSocketIo } from './socketio-client.mjs';

/** HTTP calls and upgrades in flight at once while setting up (per load generator). */
const SETUP_CONCURRENCY = 64;

/** The Parley relay: tokens over HTTP, `hello`, a first message creates each conversation. */
export function parleyTarget(origin) {
  const wsUrl = `${origin.replace('http', 'ws')}/ws?token=`;
  return {
    /** One visitor token per visitor, as the widget gets it (the page's Origin is checked). */
    prepareVisitors(count) {
      return pool(Array.from({ length: count }), SETUP_CONCURRENCY, () =>
        postJson(origin, '/api/visitors', { siteKey: 'demo' }, { Origin: origin }).then((r) => r.token),
      );
    },
    /** Opens each visitor's socket and waits for its `welcome`. */
    connectVisitors(tokens) {
      return pool(tokens, SETUP_CONCURRENCY, async (token) => {
        const ws = await connectPaced(wsUrl + encodeURIComponent(token), origin);
        const welcome = waitFor(ws, (f) => f.type === 'welcome');
        ws.send(JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION }));
        await welcome;
        return ws;
      });
    },
    /** Each visitor's first message creates its conversation; resolves with the conversation ids. */
    startConversations(sockets, tag) {
      return pool(sockets, SETUP_CONCURRENCY, async (ws, i) => {
        const clientId = `bench_${tag}_${i}_0`;
        const ack = waitFor(ws, (f) => f.type === 'chat.ack' && f.clientId === clientId);
        ws.send(JSON.stringify({ type: 'chat.send', clientId, text: 'Hello, I have a question.' }));
        return (await ack).conversationId;
      });
    },
    /** Signs the admin in once and opens `count` agent connections (console origin). */
    async openAgents(count) {
      const { token } = await postJson(origin, '/api/login', { email: 'admin@localhost', password: ADMIN_PASSWORD });
      return Promise.all(
        Array.from({ length: count }, async () => {
          const ws = await connectPaced(wsUrl + encodeURIComponent(token), origin);
          const welcome = waitFor(ws, (f) => f.type === 'welcome');
          ws.send(JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION }));
          await welcome;
          return ws;
        }),
      );
    },
    /** `conversation.open` for each id, so the agent connection receives its `chat.message`s. */
    async follow(agent, conversationIds) {
      for (const conversationId of conversationIds) {
        const detail = waitFor(agent, (f) => f.type === 'conversation.detail' && f.conversation.id === conversationId);
        agent.send(JSON.stringify({ type: 'conversation.open', conversationId }));
        await detail;
      }
    },
  };
}

/** The bare `ws` relay: no credentials; a room id in the URL is the conversation id. */
export function bareTarget(origin) {
  const wsBase = `${origin.replace('http', 'ws')}/ws`;
  let rooms = 0;
  return {
    prepareVisitors(count, tag) {
      return Array.from({ length: count }, () => `room_${tag}_${rooms++}`);
    },
    connectVisitors(roomIds) {
      return pool(roomIds, SETUP_CONCURRENCY, async (roomId) => {
        const ws = await connectPaced(`${wsBase}?room=${roomId}`, origin);
        ws.roomId = roomId;
        return ws;
      });
    },
    startConversations(sockets) {
      return sockets.map((ws) => ws.roomId);
    },
    openAgents(count) {
      return Promise.all(Array.from({ length: count }, () => connectPaced(wsBase, origin)));
    },
    async follow(agent, conversationIds) {
      for (const conversationId of conversationIds) agent.send(JSON.stringify({ type: 'conversation.open', conversationId }));
    },
  };
}

/** The Socket.IO relay: no credentials; a visitor joins its room on connect, agents with an ack. */
export function socketioTarget(origin) {
  let rooms = 0;
  return {
    prepareVisitors(count, tag) {
      return Array.from({ length: count }, () => `room_${tag}_${rooms++}`);
    },
    connectVisitors(roomIds) {
      return pool(roomIds, SETUP_CONCURRENCY, async (roomId) => {
        const socket = await connectSocketIo(origin, { room: roomId });
        socket.roomId = roomId;
        return socket;
      });
    },
    startConversations(sockets) {
      return sockets.map((socket) => socket.roomId);
    },
    openAgents(count) {
      return Promise.all(Array.from({ length: count }, () => connectSocketIo(origin)));
    },
    async follow(agent, conversationIds) {
      for (const conversationId of conversationIds) await agent.join(conversationId);
    },
  };
}

/** The target of a relay `kind`: 'parley', 'socketio' or 'bare'. */
export function targetFor(kind, origin) {
  if (kind === 'parley') return parleyTarget(origin);
  return kind === 'socketio' ? socketioTarget(origin) : bareTarget(origin);
}
