// A small TCP load balancer: one port in front of several relay nodes, each new connection to the
// next node in turn (no stickiness, as with any load balancer). A node that refuses the
// connection (stopped, draining) is skipped, so a client reconnecting after its node died lands
// on a live one. Bytes are piped untouched: WebSocket upgrades and HTTP pass as they are.
// Used by `examples/cluster/start.mjs` and by the cluster tests; types in `tcp-proxy.d.mts`.
import { connect, createServer } from 'node:net';

/** Starts the proxy on `host:port` (default a free loopback port) in front of `backends`. */
export async function startTcpProxy(initial, { host = '127.0.0.1', port = 0 } = {}) {
  let backends = [...initial];
  let next = 0;
  const open = new Map();

  /** Tries each backend once, from the next in turn; resolves the first that accepts, or null. */
  function dial() {
    const order = backends.map((_, i) => backends[(next + i) % backends.length]);
    next = backends.length === 0 ? 0 : (next + 1) % backends.length;
    const attempt = (i) => {
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

  const server = createServer((client) => {
    client.pause();
    client.on('error', () => client.destroy());
    void dial().then((found) => {
      if (!found || client.destroyed) {
        found?.upstream.destroy();
        client.destroy();
        return;
      }
      const { upstream, port: backendPort } = found;
      open.set(client, backendPort);
      upstream.on('error', () => client.destroy());
      const cut = () => {
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

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const bound = server.address().port;
  return {
    url: `http://${host}:${bound}`,
    port: bound,
    setBackends(list) {
      backends = [...list];
      next = 0;
    },
    connectionsByBackend() {
      const counts = new Map();
      for (const backendPort of open.values()) counts.set(backendPort, (counts.get(backendPort) ?? 0) + 1);
      return counts;
    },
    async close() {
      for (const client of open.keys()) client.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
