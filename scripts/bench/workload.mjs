// The measured workload: every room keeps exactly ONE message in flight. The visitor sends
// `chat.send`, waits for its `chat.ack`, then sends the next. Agent connections time the
// `chat.message` deliveries. Only events inside the measuring window are counted.
import { performance } from 'node:perf_hooks';

const TEXT = 'Hi! Could you tell me whether my order has shipped yet?';
const ACK = '{"type":"chat.ack"';
const MESSAGE = '{"type":"chat.message"';
const ERROR = '{"type":"error"';

/** Microsecond precision is plenty and keeps the samples small on the IPC channel. */
const round = (ms) => Math.round(ms * 1000) / 1000;

/**
 * Runs the workload over prepared rooms and agent connections.
 * @param {{ rooms: { ws: import('ws').WebSocket, conversationId: string }[], agents: import('ws').WebSocket[],
 *   tag: string, warmupMs: number, durationMs: number }} setup
 */
export function runWorkload({ rooms, agents, tag, warmupMs, durationMs }) {
  const start = performance.now();
  const windowStart = start + warmupMs;
  const windowEnd = windowStart + durationMs;
  /** clientId -> send time, until the agent side sees the message. */
  const inFlight = new Map();
  const ackLatency = [];
  const deliveryLatency = [];
  let acks = 0;
  let delivered = 0;
  let errors = 0;
  let firstError = null;
  let cpuAtWindowStart = null;
  let cpuInWindow = null;

  setTimeout(() => (cpuAtWindowStart = process.cpuUsage()), warmupMs);
  setTimeout(() => (cpuInWindow = process.cpuUsage(cpuAtWindowStart ?? undefined)), warmupMs + durationMs);

  return new Promise((resolve) => {
    let finishing = rooms.length;
    const finishRoom = () => {
      if (--finishing > 0) return;
      // Let the last deliveries land before reporting.
      setTimeout(done, 200);
    };
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      for (const room of rooms) room.ws.removeAllListeners('message');
      for (const agent of agents) agent.removeAllListeners('message');
      const cpu = cpuInWindow ?? process.cpuUsage(cpuAtWindowStart ?? undefined);
      resolve({ acks, delivered, errors, firstError, ackLatency, deliveryLatency, cpuMs: (cpu.user + cpu.system) / 1000 });
    };
    // A relay that stopped answering must not hang the bench.
    const deadline = setTimeout(done, warmupMs + durationMs + 10_000);
    deadline.unref();

    const send = (room) => {
      const clientId = `bench_${tag}_${room.index}_${++room.sent}`;
      const now = performance.now();
      room.sentAt = now;
      inFlight.set(clientId, now);
      room.ws.send(`{"type":"chat.send","clientId":"${clientId}","conversationId":"${room.conversationId}","text":"${TEXT}"}`);
    };

    rooms.forEach((room, index) => {
      room.index = index;
      room.sent = 0;
      room.ws.removeAllListeners('message');
      room.ws.on('message', (data) => {
        const text = data.toString();
        const acked = text.startsWith(ACK);
        if (!acked && !text.startsWith(ERROR)) return; // presence and other frames a visitor may get
        if (!acked) {
          // A refused send is counted and skipped, so the room keeps going.
          errors++;
          firstError ??= text;
        }
        const now = performance.now();
        if (acked && now >= windowStart && now < windowEnd) {
          acks++;
          ackLatency.push(round(now - room.sentAt));
        }
        if (now < windowEnd) send(room);
        else finishRoom();
      });
      send(room);
    });

    for (const agent of agents) {
      agent.removeAllListeners('message');
      agent.on('message', (data) => {
        const text = data.toString();
        // Agents also get `conversation.updated` for every message; only the message is timed.
        if (!text.startsWith(MESSAGE)) return;
        const now = performance.now();
        const { clientId } = JSON.parse(text).message;
        const sentAt = inFlight.get(clientId);
        if (sentAt === undefined) return;
        inFlight.delete(clientId);
        if (now >= windowStart && now < windowEnd) {
          delivered++;
          deliveryLatency.push(round(now - sentAt));
        }
      });
    }
  }).finally(() => inFlight.clear());
}
