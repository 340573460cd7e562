// The reconnect storm, load-generator side: visitor connections that, when the relay drops them
// all at once (it was killed and started again), reconnect as the widget does (its backoff:
// exponential with full jitter), say hello resuming their conversation from the last seq they
// hold, and are timed until their welcome. Then each that had a conversation sends one more
// message: its seq must follow the last one it held (nothing lost, nothing doubled).
// Reconnecting may go to another node (the cluster rows: the killed node's clients come back
// through the load balancer to the one left). A Socket.IO client has nothing to resume with: it
// reconnects with the same policy and joins its room again, and is timed until connected.
import { PROTOCOL_VERSION, connect, waitFor } from './parley-client.mjs';
import { connectSocketIo } from './socketio-client.mjs';

/**
 * The widget's reconnect delay before retry `attempt` (0 first), as in
 * packages/widget/src/core/backoff.ts with its defaults: uniform under min(30 s, 0.5 s x 2^attempt).
 */
const widgetBackoff = (attempt) => Math.floor(Math.random() * Math.min(30_000, 500 * 2 ** Math.min(attempt, 30)));

/**
 * @typedef {{ token: string, conversationId: string | null, lastSeq: number, ws: import('ws').WebSocket,
 *   droppedAt: number | null, backAt: number | null }} StormClient
 */

/**
 * How a Parley visitor comes back: a socket to `relayOrigin` (with the page's `origin`), `hello`
 * resuming its conversation from the last seq it holds, done at its `welcome`.
 * @returns {(client: StormClient) => Promise<import('ws').WebSocket>}
 */
export function parleyComeback(relayOrigin, origin) {
  const wsUrl = `${relayOrigin.replace('http', 'ws')}/ws?token=`;
  return async (client) => {
    const ws = await connect(wsUrl + encodeURIComponent(client.token), origin);
    const welcome = waitFor(ws, (f) => f.type === 'welcome', 30_000);
    const resume = client.conversationId ? { [client.conversationId]: client.lastSeq } : {};
    ws.send(JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION, resume }));
    await welcome.catch((error) => {
      ws.terminate();
      throw error;
    });
    return ws;
  };
}

/**
 * How a Socket.IO client comes back: connected again to `relayOrigin`, joining its room (the
 * `token` of a Socket.IO storm client is its room id). No resume exists to ask for.
 */
export function socketioComeback(relayOrigin) {
  return (client) => connectSocketIo(relayOrigin, { room: client.token });
}

/** One loader's clients in the storm. */
export class Storm {
  /**
   * @param {(client: StormClient) => Promise<any>} comeback one reconnect attempt, resolving with the new socket
   * @param {boolean} resumes whether the relay resumes conversations (Parley), so `verify` can check seqs
   */
  constructor(comeback, resumes) {
    this.comeback = comeback;
    this.resumes = resumes;
    /** @type {StormClient[]} */
    this.clients = [];
  }

  /** Adds a connected client (after its welcome) and arms its reconnect. */
  add(token, ws, conversationId, lastSeq) {
    const client = { token, conversationId, lastSeq, ws, droppedAt: null, backAt: null };
    this.clients.push(client);
    this.#arm(client);
  }

  /** Resolves once every dropped client is back, or after `timeoutMs`, with the figures. */
  async settle(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && this.clients.some((c) => c.droppedAt !== null && c.backAt === null)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const dropped = this.clients.filter((c) => c.droppedAt !== null);
    return {
      clients: this.clients.length,
      dropped: dropped.length,
      back: dropped.filter((c) => c.backAt !== null).length,
      droppedAt: dropped.map((c) => c.droppedAt),
      backAt: dropped.filter((c) => c.backAt !== null).map((c) => c.backAt),
    };
  }

  /**
   * Each client with a conversation sends one message: how many got the seq after their last.
   * Nothing to check without resume (`checked` false).
   */
  async verify() {
    if (!this.resumes) return { followed: 0, wrong: 0, checked: false };
    let followed = 0;
    let wrong = 0;
    await Promise.all(
      this.clients
        .filter((c) => c.conversationId !== null && c.backAt !== null)
        .map(async (client, i) => {
          const clientId = `storm_after_${i}_${Math.random().toString(36).slice(2)}`;
          const ack = waitFor(client.ws, (f) => f.type === 'chat.ack' && f.clientId === clientId, 30_000);
          client.ws.send(JSON.stringify({ type: 'chat.send', conversationId: client.conversationId, clientId, text: 'After the storm' }));
          const frame = await ack.catch(() => null);
          if (frame && frame.seq === client.lastSeq + 1) followed++;
          else wrong++;
        }),
    );
    return { followed, wrong, checked: true };
  }

  /** Closes every client for good. */
  close() {
    for (const client of this.clients) {
      client.ws.removeAllListeners('close');
      client.ws.terminate();
    }
    this.clients = [];
  }

  #arm(client) {
    client.ws.once('close', () => {
      client.droppedAt ??= Date.now();
      setTimeout(() => void this.#reconnect(client), widgetBackoff(0));
    });
  }

  async #reconnect(client) {
    for (let attempt = 1; ; attempt++) {
      try {
        client.ws = await this.comeback(client);
        client.backAt = Date.now();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, widgetBackoff(attempt)));
      }
    }
  }
}
