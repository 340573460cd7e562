// The delivery-latency workload: an OPEN-LOOP sender. Messages leave at a fixed rate whatever
// the relay does (a slow relay gets no breathing room, unlike one message in flight per room),
// spread round robin over the rooms. Each send is timed twice: to its `chat.ack` on the
// visitor's socket, and to its `chat.message` on the agent connection following that
// conversation. Sender and receiving agent live in this same process, so one clock times both.
import { PerformanceObserver, performance } from 'node:perf_hooks';

const TEXT = 'Hi! Could you tell me whether my order has shipped yet?';
const ACK = Buffer.from('{"type":"chat.ack"');
const MESSAGE = Buffer.from('{"type":"chat.message"');
const ERROR = Buffer.from('{"type":"error"');
/**
 * After the last send, how long late acks and deliveries may still land before they count as
 * dropped (the run ends as soon as every send is acked and delivered).
 */
const DRAIN_MS = 2000;

const startsWith = (data, prefix) => data.length >= prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
/** Microsecond precision is plenty and keeps the samples small on the IPC channel. */
const round = (ms) => Math.round(ms * 1000) / 1000;
/** The send number `n` from a client id `delivery_<tag>_<n>`. */
const sendNumber = (clientId) => Number(clientId.slice(clientId.lastIndexOf('_') + 1));

/**
 * Sends `rate` messages per second for `warmupMs + durationMs` over `rooms` and times them.
 * Only sends made inside the measuring window are counted, each until it is acked/delivered
 * or the drain ends.
 * @param {{ rooms: { ws: import('ws').WebSocket, conversationId: string }[], agents: import('ws').WebSocket[],
 *   tag: string, rate: number, warmupMs: number, durationMs: number }} setup
 */
export function runDelivery({ rooms, agents, tag, rate, warmupMs, durationMs }) {
  const start = performance.now();
  const windowStart = start + warmupMs;
  const windowEnd = windowStart + durationMs;
  const interval = 1000 / rate;
  /** Per send number: when it left, and when its ack and its delivery arrived (NaN: not yet). */
  const sentAt = [];
  const ackedAt = [];
  const deliveredAt = [];
  /** How late each measured send left against its fixed-rate schedule (the sender's own lag). */
  const lag = [];
  let errors = 0;
  let firstError = null;
  let agentFrames = 0;
  /** Payload bytes of those frames. */
  let agentBytes = 0;
  /** Sockets the relay closed during the run (e.g. an agent cut off as a slow consumer). */
  let closed = 0;
  const onClose = () => closed++;
  let cpuAtWindowStart = null;
  let cpuInWindow = null;
  /** Sends not yet both acked and delivered, and what to call when that reaches 0 after the last send. */
  let pending = 0;
  let onSettled = null;
  const settledOne = () => {
    if (--pending === 0 && onSettled) onSettled();
  };

  setTimeout(() => (cpuAtWindowStart = process.cpuUsage()), warmupMs);
  setTimeout(() => (cpuInWindow = process.cpuUsage(cpuAtWindowStart ?? undefined)), warmupMs + durationMs);
  // This process's own GC pauses in the window: a pause here delays the timestamps of whatever
  // arrived meanwhile, so it is part of every latency measured and is reported beside them.
  const gc = { count: 0, totalMs: 0, maxMs: 0 };
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.startTime < windowStart || entry.startTime >= windowEnd) continue;
      gc.count += 1;
      gc.totalMs += entry.duration;
      gc.maxMs = Math.max(gc.maxMs, entry.duration);
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });

  const send = (n, scheduled) => {
    const room = rooms[n % rooms.length];
    const clientId = `delivery_${tag}_${n}`;
    const now = performance.now();
    sentAt[n] = now;
    ackedAt[n] = NaN;
    deliveredAt[n] = NaN;
    pending += 2;
    if (now >= windowStart && now < windowEnd) lag.push(round(now - scheduled));
    room.ws.send(`{"type":"chat.send","clientId":"${clientId}","conversationId":"${room.conversationId}","text":"${TEXT}"}`);
  };

  for (const ws of [...rooms.map((r) => r.ws), ...agents]) ws.on('close', onClose);
  for (const room of rooms) {
    room.ws.removeAllListeners('message');
    room.ws.on('message', (data) => {
      const now = performance.now();
      if (startsWith(data, ACK)) {
        const n = sendNumber(JSON.parse(data.toString()).clientId);
        if (Number.isNaN(ackedAt[n])) {
          ackedAt[n] = now;
          settledOne();
        }
      } else if (startsWith(data, ERROR)) {
        errors++;
        firstError ??= data.toString();
      }
    });
  }
  for (const agent of agents) {
    agent.removeAllListeners('message');
    agent.on('message', (data) => {
      const now = performance.now();
      if (now >= windowStart && now < windowEnd) {
        agentFrames++;
        agentBytes += data.length;
      }
      // Agents also get a `conversation.updated` inbox summary per message; only the message is timed.
      if (!startsWith(data, MESSAGE)) return;
      const clientId = JSON.parse(data.toString()).message.clientId;
      if (typeof clientId !== 'string' || !clientId.startsWith(`delivery_${tag}_`)) return;
      const n = sendNumber(clientId);
      if (Number.isNaN(deliveredAt[n])) {
        deliveredAt[n] = now;
        settledOne();
      }
    });
  }

  return new Promise((resolve) => {
    let sent = 0;
    // A 1 ms timer chain: each turn sends every message whose slot has come, so the average
    // rate is exact even when the event loop is late, and bursts stay as small as the loop allows.
    const tick = () => {
      const now = performance.now();
      const until = Math.min(now, windowEnd);
      while (start + sent * interval <= until) {
        send(sent, start + sent * interval);
        sent++;
      }
      if (now < windowEnd) setTimeout(tick, 1);
      else if (pending === 0) finish();
      else {
        const drain = setTimeout(finish, DRAIN_MS);
        onSettled = () => {
          clearTimeout(drain);
          finish();
        };
      }
    };
    const finish = () => {
      onSettled = null;
      for (const room of rooms) room.ws.removeAllListeners('message').off('close', onClose);
      for (const agent of agents) agent.removeAllListeners('message').off('close', onClose);
      const ackLatency = [];
      const deliveryLatency = [];
      let measured = 0;
      let unacked = 0;
      let undelivered = 0;
      for (let n = 0; n < sent; n++) {
        if (!(sentAt[n] >= windowStart && sentAt[n] < windowEnd)) continue;
        measured++;
        if (Number.isNaN(ackedAt[n])) unacked++;
        else ackLatency.push(round(ackedAt[n] - sentAt[n]));
        if (Number.isNaN(deliveredAt[n])) undelivered++;
        else deliveryLatency.push(round(deliveredAt[n] - sentAt[n]));
      }
      const cpu = cpuInWindow ?? process.cpuUsage(cpuAtWindowStart ?? undefined);
      gcObserver.disconnect();
      resolve({
        measured, unacked, undelivered, errors, firstError, agentFrames, agentBytes, closed, ackLatency, deliveryLatency, lag,
        cpuMs: (cpu.user + cpu.system) / 1000, gcTotalMs: gc.totalMs, gcMaxMs: gc.maxMs,
      });
    };
    tick();
  });
}
