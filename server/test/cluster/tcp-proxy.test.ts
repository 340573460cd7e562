import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../../../examples/cluster/tcp-proxy.mjs';

/** An HTTP server that answers its own name, with keep-alive off so each request is a new connection. */
async function namedServer(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => {
    res.setHeader('connection', 'close');
    res.end(name);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

async function ask(proxy: TcpProxy): Promise<string> {
  const response = await fetch(proxy.url, { headers: { connection: 'close' } });
  return response.text();
}

describe('cluster test proxy', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  it('sends each new connection to the next backend, and skips one that is gone', async () => {
    const a = await namedServer('a');
    const b = await namedServer('b');
    closers.push(() => new Promise((r) => a.server.close(() => r())));
    const proxy = await startTcpProxy([
      { host: '127.0.0.1', port: a.port },
      { host: '127.0.0.1', port: b.port },
    ]);
    closers.push(() => proxy.close());

    expect([await ask(proxy), await ask(proxy), await ask(proxy), await ask(proxy)]).toEqual(['a', 'b', 'a', 'b']);

    await new Promise<void>((r) => b.server.close(() => r()));
    expect([await ask(proxy), await ask(proxy), await ask(proxy)]).toEqual(['a', 'a', 'a']);
  });

  it('closes a client connection when no backend takes it', async () => {
    const gone = await namedServer('gone');
    await new Promise<void>((r) => gone.server.close(() => r()));
    const proxy = await startTcpProxy([{ host: '127.0.0.1', port: gone.port }]);
    closers.push(() => proxy.close());
    await expect(ask(proxy)).rejects.toThrow();
  });
});
