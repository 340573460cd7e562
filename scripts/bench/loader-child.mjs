// A load generator process. The bench tells it which relay to reach and what to do:
// `setup` (rooms and agents), `run` (the timed workload), `idlePrepare`/`idleOpen` (idle
// connections for the memory figure), `closeAll`, `stop`.
import { serve } from './rpc.mjs';
import { bareTarget, parleyTarget } from './targets.mjs';
import { runWorkload } from './workload.mjs';

const tag = process.argv[2] ?? '0';
let sockets = [];
let state = null;
let idleCredentials = [];

const targetFor = (kind, origin) => (kind === 'parley' ? parleyTarget(origin) : bareTarget(origin));

serve({
  /** Opens `rooms` visitor connections with one conversation each, and `agents` agent connections sharing them. */
  async setup({ kind, origin, rooms, agents }) {
    const target = targetFor(kind, origin);
    const credentials = await target.prepareVisitors(rooms, tag);
    const visitors = await target.connectVisitors(credentials);
    sockets.push(...visitors);
    const conversationIds = await target.startConversations(visitors, tag);
    const agentSockets = await target.openAgents(agents);
    sockets.push(...agentSockets);
    // Round robin: agent k follows conversations k, k+K, k+2K, ...
    await Promise.all(agentSockets.map((agent, k) => target.follow(agent, conversationIds.filter((_, i) => i % agents === k))));
    state = { rooms: visitors.map((ws, i) => ({ ws, conversationId: conversationIds[i] })), agents: agentSockets };
    return { rooms: visitors.length, agents: agentSockets.length };
  },
  run({ warmupMs, durationMs }) {
    if (!state) throw new Error('run before setup');
    return runWorkload({ ...state, tag, warmupMs, durationMs });
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
