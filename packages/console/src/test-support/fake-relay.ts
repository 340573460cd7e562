/**
 * A scripted relay for the console's socket and session tests: a real `ws` server on port 0
 * that records every frame a console sends and lets the test answer as the relay would.
 */
import type { AgentFrame, ServerFrame } from '@parley/protocol';
import { WebSocketServer, type WebSocket } from 'ws';

/** One connection from the console, seen from the relay. */
export interface RelayConnection {
  frames: AgentFrame[];
  send(frame: ServerFrame): void;
  close(code?: number): void;
  /** Resolves with the next frame of `type` (or one already received and not yet taken). */
  next<T extends AgentFrame['type']>(type: T): Promise<Extract<AgentFrame, { type: T }>>;
}

/** The scripted relay. */
export interface FakeRelay {
  host: string;
  /** Resolves with the next connection to arrive. */
  nextConnection(): Promise<RelayConnection>;
  /** Refuse upgrades with this HTTP status until set back to null. */
  refuseWith(status: number | null): void;
  close(): Promise<void>;
}

/** Starts a scripted relay on a free port of 127.0.0.1. */
export async function startFakeRelay(): Promise<FakeRelay> {
  let refuse: number | null = null;
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: (_info, done) => (refuse === null ? done(true) : done(false, refuse)),
  });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no TCP address');
  const arrived: RelayConnection[] = [];
  const waiting: Array<(c: RelayConnection) => void> = [];

  server.on('connection', (ws: WebSocket) => {
    const frames: AgentFrame[] = [];
    let taken = 0;
    const waiters: Array<() => void> = [];
    ws.on('message', (data) => {
      frames.push(JSON.parse(String(data)) as AgentFrame);
      for (const w of waiters.splice(0)) w();
    });
    const connection: RelayConnection = {
      frames,
      send: (frame) => ws.send(JSON.stringify(frame)),
      close: (code = 1001) => ws.close(code),
      next(type) {
        return new Promise((resolve) => {
          const look = () => {
            for (let i = taken; i < frames.length; i += 1) {
              const f = frames[i]!;
              if (f.type === type) {
                taken = i + 1;
                resolve(f as Extract<AgentFrame, { type: typeof type }>);
                return;
              }
            }
            waiters.push(look);
          };
          look();
        });
      },
    };
    const waiter = waiting.shift();
    if (waiter) waiter(connection);
    else arrived.push(connection);
  });

  return {
    host: `127.0.0.1:${address.port}`,
    nextConnection: () =>
      new Promise((resolve) => {
        const ready = arrived.shift();
        if (ready) resolve(ready);
        else waiting.push(resolve);
      }),
    refuseWith: (status) => {
      refuse = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

/** An unsigned agent token shaped like the relay's (the fake relay does not check it). */
export function fakeAgentToken(sub: string, expMs: number): string {
  const payload = Buffer.from(JSON.stringify({ k: 'a', sub, iat: 0, exp: expMs })).toString('base64url');
  return `${payload}.signature`;
}
