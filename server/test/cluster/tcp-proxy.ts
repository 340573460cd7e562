/**
 * A small TCP load balancer for cluster tests: one loopback port in front of several relay
 * nodes, each new client connection going to the next node in turn (no stickiness, as with any
 * load balancer a site might run). A node that refuses the connection (killed, draining) is
 * skipped, so a client that reconnects after its node died lands on a live one. Bytes are piped
 * untouched: WebSocket upgrades and HTTP pass through as they are.
 */
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/** A backend the proxy sends connections to. */
export interface Backend {
  host: string;
  port: number;
}

/** The proxy, listening. */
export interface TcpProxy {
  /** `http://127.0.0.1:<port>`: what clients connect to. */
  readonly url: string;
  readonly port: number;
  /** Replaces the backends (a node restarted on a new port, one added or taken out). */
  setBackends(backends: Backend[]): void;
  /** Client connections open through the proxy now, by backend port. */
  connectionsByBackend(): Map<number, number>;
  /** Stops listening and cuts every piped connection. */
  close(): Promise<void>;
}

/** Starts the proxy on a free loopback port. */
export async function startTcpProxy(initial: Backend[]): Promise<TcpProxy> {
  let backends = [...initial];
  let next = 0;
  const open = new Map<Socket, number>();

  /** Tries each backend once, starting at the next in turn; resolves the first that accepts. */
  function dial(): Promise<{ upstream: Socket; port: number } | null> {
    const order = backends.map((_, i) => backends[(next + i) % backends.length]!);
    next = backends.length === 0 ? 0 : (next + 1) % backends.length;
    const attempt = (i: number): Promise<{ upstream: Socket; port: number } | null> => {
      const backend = order[i];
      if (!backend) return Promise.resolve(null);
      return new Promise((resolve) => {
        const upstream = connect(backend.port, backend.host);
        upstream.once('connect', () => {
          upstream.removeAllListeners('error');
          resolve({ upstream, port: backend.port });
        });
        upstream.once('error', () => {
          upstream.destroy();
          resolve(attempt(i + 1));
        });
      });
    };
    return attempt(0);
  }

  const server: Server = createServer((client) => {
    client.pause();
    client.on('error', () => client.destroy());
    void dial().then((found) => {
      if (!found || client.destroyed) {
        found?.upstream.destroy();
        client.destroy();
        return;
      }
      const { upstream, port } = found;
      open.set(client, port);
      upstream.on('error', () => client.destroy());
      const cut = (): void => {
        open.delete(client);
        client.destroy();
        upstream.destroy();
      };
      client.once('close', cut);
      upstream.once('close', cut);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setBackends(list) {
      backends = [...list];
      next = 0;
    },
    connectionsByBackend() {
      const counts = new Map<number, number>();
      for (const backendPort of open.values()) counts.set(backendPort, (counts.get(backendPort) ?? 0) + 1);
      return counts;
    },
    async close() {
      for (const client of open.keys()) client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
