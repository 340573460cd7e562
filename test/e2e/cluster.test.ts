/**
 * The widget and the console in Chromium through a load balancer in front of two relay nodes on
 * PostgreSQL and Redis: a conversation works as on one relay, and goes on when the first node
 * is killed (every client of it reconnects to the other).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTcpProxy, type TcpProxy } from '../../examples/cluster/tcp-proxy.mjs';
import { startNode, type RelayNode } from '../../server/test/cluster/relay-node.js';
import { ADMIN_PASSWORD } from '../../server/test/relay-harness.js';
import { startPostgres, type TestPostgres } from '../../server/test/servers/postgres.js';
import { startRedis, type RedisServer } from '../../server/test/servers/redis.js';
import { launchBrowser } from './harness/browser.js';
import { consoleMessage, replyFromConsole, signInConsole } from './harness/console-app.js';
import { firstMessage } from './harness/conversation.js';
import { hostPage } from './harness/host-page.js';
import { startHostServer, type HostServer } from './harness/host-server.js';
import type { RelayProcess } from './harness/relay-process.js';
import { unique } from './harness/unique.js';
import { sendFromWidget, visitorMessage, widgetMessage } from './harness/widget.js';

const RECOVERY_MS = 30_000;

let postgres: TestPostgres;
let redis: RedisServer;
let proxy: TcpProxy;
let host: HostServer;
let browser: Browser;
const nodes: RelayNode[] = [];

beforeAll(async () => {
  [postgres, redis, host, browser] = await Promise.all([startPostgres(), startRedis(), startHostServer(), launchBrowser()]);
  proxy = await startTcpProxy([]);
  const env = { PARLEY_DATABASE_URL: await postgres.createDatabase(), PARLEY_REDIS_URL: redis.url, PARLEY_PUBLIC_URL: proxy.url };
  nodes.push(await startNode({ name: 'node-a', env }));
  nodes.push(await startNode({ name: 'node-b', env }));
  proxy.setBackends(nodes.map((node) => ({ host: '127.0.0.1', port: node.port })));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await Promise.all(nodes.map((node) => node.kill()));
  await Promise.all([postgres?.stop(), redis?.stop(), host?.close()]);
});

describe('the widget and the console on a cluster', () => {
  it('chat through the load balancer, and carry on when a node is killed', async () => {
    // The relay as the pages see it: the load balancer's address.
    const relay = { origin: proxy.url, publicOrigin: proxy.url, adminEmail: 'admin@localhost', adminPassword: ADMIN_PASSWORD } as RelayProcess;
    const agent = await signInConsole(browser, relay);
    const visitorContext = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
    const page = await visitorContext.newPage();
    await page.goto(host.page('/shop', hostPage(proxy.url)));
    await firstMessage(page, agent.page, 'Hello from a cluster');

    const answer = unique('Answered through either node');
    await replyFromConsole(agent.page, answer);
    await widgetMessage(page, answer).waitFor({ state: 'visible', timeout: RECOVERY_MS });

    // Node A dies: whatever was connected to it reconnects through the load balancer to B.
    await nodes[0]!.kill();
    const afterKill = unique('Sent after a node died');
    await sendFromWidget(page, afterKill);
    await expect.poll(() => visitorMessage(page, afterKill).getAttribute('data-status'), { timeout: RECOVERY_MS }).toBe('sent');
    await consoleMessage(agent.page, afterKill).waitFor({ state: 'visible', timeout: RECOVERY_MS });
    const reply = unique('Still here');
    await replyFromConsole(agent.page, reply);
    await widgetMessage(page, reply).waitFor({ state: 'visible', timeout: RECOVERY_MS });
    expect(await visitorMessage(page, afterKill).count()).toBe(1);
    expect(await consoleMessage(agent.page, afterKill).count()).toBe(1);
    expect(await widgetMessage(page, reply).count()).toBe(1);
  }, 120_000);
});
