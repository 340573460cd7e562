import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION, type ServerFrame } from '@parley/protocol';
import { CONSOLE_TIMEOUT_MS, conversationRow, signInConsole } from './harness/console-app.js';
import { useE2E } from './harness/e2e-env.js';
import { DEMO_SITE_KEY } from './harness/host-page.js';
import { postJson } from './harness/http-client.js';
import { unique } from './harness/unique.js';

// Two conversations per inbox page: the console is welcomed with the two newest only.
const e2e = useE2E({ args: ['--inbox-page-size', '2'] });

/** A visitor's tab driven from node: it says hello and writes, as the widget would. */
interface VisitorTab {
  send(text: string): Promise<void>;
  close(): void;
}

const tabs: VisitorTab[] = [];
afterAll(() => {
  for (const tab of tabs) tab.close();
});

async function visitorTab(): Promise<VisitorTab> {
  const { relay, host } = e2e();
  const created = await postJson(`${relay.origin}/api/visitors`, { siteKey: DEMO_SITE_KEY }, host.origin);
  const { token } = created.body as { token: string };
  const ws = new WebSocket(`${relay.wsUrl}?token=${encodeURIComponent(token)}`, { origin: host.origin });
  const frames: ServerFrame[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as ServerFrame);
    for (const wake of waiters.splice(0)) wake();
  });
  const next = async (type: ServerFrame['type'], from: number): Promise<ServerFrame> => {
    for (;;) {
      const found = frames.slice(from).find((f) => f.type === type);
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION }));
  const welcome = await next('welcome', 0);
  let conversationId = welcome.type === 'welcome' ? welcome.conversations?.[0]?.id : undefined;
  let sent = 0;
  const tab: VisitorTab = {
    async send(text) {
      const from = frames.length;
      ws.send(JSON.stringify({ type: 'chat.send', clientId: `inbox-activity-${randomBytes(6).toString('hex')}-${++sent}`, text, ...(conversationId ? { conversationId } : {}) }));
      const ack = await next('chat.ack', from);
      if (ack.type === 'chat.ack') conversationId ??= ack.conversationId;
    },
    close: () => ws.close(),
  };
  tabs.push(tab);
  return tab;
}

describe('inbox activity', () => {
  it('brings a conversation the console did not hold into the inbox when it gets a message, and moves the previews of those it holds', async () => {
    const [oldest, middle, newest] = [await visitorTab(), await visitorTab(), await visitorTab()];
    const first = [unique('Oldest asks'), unique('Middle asks'), unique('Newest asks')];
    for (const [i, tab] of [oldest, middle, newest].entries()) await tab.send(first[i]!);

    const { page } = await signInConsole(e2e().browser, e2e().relay);
    await conversationRow(page, first[2]!).waitFor({ state: 'visible', timeout: CONSOLE_TIMEOUT_MS });
    await conversationRow(page, first[1]!).waitFor({ state: 'visible', timeout: CONSOLE_TIMEOUT_MS });
    // Beyond the first page: the console does not hold it yet.
    expect(await conversationRow(page, first[0]!).count()).toBe(0);

    // Its activity names a conversation the console does not hold: the console asks for it whole.
    const again = unique('Oldest again: is my order on its way?');
    await oldest.send(again);
    await conversationRow(page, again).waitFor({ state: 'visible', timeout: CONSOLE_TIMEOUT_MS });

    // A conversation the console holds gets its new preview from the activity alone.
    const later = unique('Newest again: one more question');
    await newest.send(later);
    await conversationRow(page, later).waitFor({ state: 'visible', timeout: CONSOLE_TIMEOUT_MS });
    expect(await conversationRow(page, first[2]!).count()).toBe(0);
  });
});
