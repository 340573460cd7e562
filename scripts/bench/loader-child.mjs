// A load generator process. The bench tells it which relay to reach and what to do:
// `setup` (rooms and agents), `run` (the timed workload, one message in flight per room),
// `runDelivery` (the open-loop delivery-latency workload over the same setup),
// `idlePrepare`/`idleOpen` (idle connections for the memory figure), `closeAll`, `stop`.
import { serve } from './rpc.mjs';
import { targetFor } from './targets.mjs';
import { runDelivery } from './delivery-workload.mjs';
import { runWorkload } from './workload.mjs';
import { Storm, parleyComeback, socketioComeback } from './storm.mjs';

const tag = process.argv[2] ?? '0';
let sockets = [];
let state = null;
let idleCredentials = [];
/** @type {Storm | null} */
let storm = null;


serve({
  /**
   * Opens `rooms` visitor connections with one conversation each, `idle` more visitor
   * connections that only say `hello` (the widget loaded, nobody chatting), and `agents` agent
   * connections sharing the rooms.
   */
  async setup({ kind, origin, agentOrigin = origin, rooms, agents, idle = 0, stalled = false }) {
    const target = targetFor(kind, origin);
    // Agents may be on another relay node than the visitors (the cluster rows).
    const agentTarget = targetFor(kind, agentOrigin);
    const credentials = await target.prepareVisitors(rooms, tag);
    const visitors = await target.connectVisitors(credentials);
    sockets.push(...visitors);
    const conversationIds = await target.startConversations(visitors, tag);
    if (idle > 0) sockets.push(...(await target.connectVisitors(await target.prepareVisitors(idle, `idle${tag}`))));
    const agentSockets = await agentTarget.openAgents(agents);
    sockets.push(...agentSockets);
    // Round robin: agent k follows conversations k, k+K, k+2K, ...
    await Promise.all(agentSockets.map((agent, k) => agentTarget.follow(agent, conversationIds.filter((_, i) => i % agents === k))));
    state = { rooms: visitors.map((ws, i) => ({ ws, conversationId: conversationIds[i] })), agents: agentSockets, stalledClose: null };
    if (stalled) {
      // One more agent connection following every room of this loader, that stops reading: a
      // console in a frozen tab. The others' figures show what it costs them.
      const [slow] = await agentTarget.openAgents(1);
      sockets.push(slow);
      await agentTarget.follow(slow, conversationIds);
      const current = state;
      slow.on('close', (code) => (current.stalledClose = code));
      slow._socket.pause();
    }
    return { rooms: visitors.length, agents: agentSockets.length };
  },
  async run({ warmupMs, durationMs }) {
    if (!state) throw new Error('run before setup');
    const result = await runWorkload({ ...state, tag, warmupMs, durationMs });
    return { ...result, stalledClose: state.stalledClose };
  },
  /** Sends `rate` messages per second over the rooms of `setup`, open loop. */
  runDelivery({ rate, warmupMs, durationMs }) {
    if (!state) throw new Error('runDelivery before setup');
    return runDelivery({ ...state, tag, rate, warmupMs, durationMs });
  },
  /** Gets credentials for `count` idle visitors (done before the relay's baseline memory is taken). */
  async idlePrepare({ kind, origin, count }) {
    idleCredentials = await targetFor(kind, origin).prepareVisitors(count, `idle${tag}`);
    return { count: idleCredentials.length };
  },
  /** Opens the idle visitor connections (each says `hello` on Parley) and leaves them open. */
  async idleOpen({ kind, origin }) {
    const visitors = await targetFor(kind, origin).connectVisitors(idleCredentials);
    sockets.push(...visitors);
    return { open: visitors.length };
  },
  /**
   * The reconnect storm's clients: `count` visitor connections (hello said), the first
   * `conversations` of them with a conversation of one message; each reconnects when dropped,
   * to `reconnectOrigin` (another node of the cluster) or where it was.
   */
  async stormSetup({ kind = 'parley', origin, reconnectOrigin = origin, count, conversations }) {
    const target = targetFor(kind, origin);
    const tokens = await target.prepareVisitors(count, `storm${tag}`);
    const visitors = await target.connectVisitors(tokens);
    const conversationIds = await target.startConversations(visitors.slice(0, conversations), `storm${tag}`);
    // The page's origin stays the same when the load balancer sends the visitor to another node.
    storm = kind === 'parley' ? new Storm(parleyComeback(reconnectOrigin, origin), true) : new Storm(socketioComeback(reconnectOrigin), false);
    visitors.forEach((ws, i) => storm.add(tokens[i], ws, conversationIds[i] ?? null, conversationIds[i] ? 1 : 0));
    return { clients: visitors.length };
  },
  stormSettle({ timeoutMs }) {
    return storm.settle(timeoutMs);
  },
  stormVerify() {
    return storm.verify();
  },
  stormClose() {
    storm?.close();
    storm = null;
    return true;
  },
  closeAll() {
    for (const ws of sockets) ws.terminate();
    sockets = [];
    state = null;
    return { closed: true };
  },
  stop() {
    for (const ws of sockets) ws.terminate();
    setTimeout(() => process.exit(0), 20);
  },
});
process.send({ event: 'ready' });
