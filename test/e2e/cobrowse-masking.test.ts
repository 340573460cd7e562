import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { COBROWSE_MASK } from '@parley/protocol';
import { COBROWSE_TIMEOUT_MS, startCobrowseConversation, startSharing } from './harness/cobrowse.js';
import { consoleTexts, mirrorElements } from './harness/cobrowse-mirror.js';
import { bootSnippet, cobrowseShopPage } from './harness/cobrowse-page.js';
import { captureFrames, RRWEB, recordedEvents, type FrameLog } from './harness/cobrowse-wire.js';
import { useE2E } from './harness/e2e-env.js';
import { DEMO_SITE_KEY } from './harness/host-page.js';
import { messageBox } from './harness/widget.js';

const e2e = useE2E();

/** Fields the site loosens; the password and hidden ones must stay masked all the same. */
const UNMASK = ['#promo', '#password', '#session-ref'];

describe('co-browse masking', () => {
  it('never lets a typed or private value leave the visitor\'s browser or reach the console, and unmasks only named fields', async () => {
    const env = e2e();
    const nonce = randomBytes(3).toString('hex');
    const canary = (where: string): string => `CANARY-7f3a91-${nonce}-${where}`;
    const canaries = {
      name: canary('name'),
      email: `${canary('email')}@example.com`,
      password: canary('password'),
      message: canary('message'),
      note: canary('contenteditable'),
      hiddenBefore: canary('hidden-before'),
      hiddenAfter: canary('hidden-after'),
      card: canary('card'),
      privateText: canary('private-text'),
      maskedText: canary('masked-text'),
      composer: canary('composer'),
      // Written into the page's HTML by its server, before any script or visitor touched it.
      prefilledCleared: canary('prefilled-cleared'),
      prefilledKept: canary('prefilled-kept'),
      textareaInitial: canary('textarea-initial'),
    };
    const prefilled =
      `<p><label for="coupon-code">Coupon</label> <input id="coupon-code" value="${canaries.prefilledCleared}"> ` +
      `<label for="account">Account</label> <input id="account" value="${canaries.prefilledKept}"> ` +
      `<label for="bio">About you</label> <textarea id="bio">${canaries.textareaInitial}</textarea></p>`;
    const promo = `SPRING-${nonce}`;
    const url = env.host.page(
      '/masking',
      cobrowseShopPage(env.relay.origin, { intro: prefilled, embed: bootSnippet(env.relay.origin, { siteKey: DEMO_SITE_KEY, cobrowse: { unmask: UNMASK } }) }),
    );
    let visitorFrames: FrameLog = { sent: [], received: [] };
    let agentFrames: FrameLog = { sent: [], received: [] };
    const { visitor, agent, firstText } = await startCobrowseConversation(env, url, {
      beforeVisit: (page) => void (visitorFrames = captureFrames(page)),
      beforeConsole: (page) => void (agentFrames = captureFrames(page)),
    });
    const page = visitor.page;

    // Before sharing: values already on the page go out with the first full snapshot.
    await page.locator('#full-name').fill(canaries.name);
    // A field the visitor emptied still holds its server-rendered value attribute.
    await page.locator('#coupon-code').fill('');
    await page.evaluate((c) => {
      document.getElementById('session-ref')!.setAttribute('value', c.hiddenBefore);
      document.getElementById('private-note')!.textContent = c.maskedText;
      document.getElementById('card-holder')!.textContent = c.privateText;
    }, canaries);
    await page.locator('#card').fill(canaries.card);
    await startSharing(page, agent.page);

    // While sharing: typed key by key, changed by script, chosen from a list.
    await page.locator('#email').pressSequentially(canaries.email);
    await page.locator('#password').pressSequentially(canaries.password);
    await page.locator('#message').pressSequentially(canaries.message);
    await page.locator('#note').click();
    await page.keyboard.type(canaries.note);
    await page.locator('#plan').selectOption('team');
    await page.evaluate((c) => {
      const hidden = document.getElementById('session-ref') as HTMLInputElement;
      hidden.value = c.hiddenAfter;
      hidden.setAttribute('value', c.hiddenAfter);
      document.getElementById('card-holder')!.textContent = `${c.privateText}-again`;
      document.getElementById('private-note')!.textContent = `${c.maskedText}-again`;
    }, canaries);
    await page.locator('#card').fill(`${canaries.card}-again`);
    await messageBox(page).fill(canaries.composer);
    await page.locator('#promo').pressSequentially(promo);
    // Leaving the field commits it (the recorder samples a field's value when it changes).
    await page.keyboard.press('Tab');

    // The last change has reached the mirror: the unmasked field shows its value, the others the mask.
    const fields = ['#full-name', '#email', '#password', '#message', '#plan', '#session-ref', '#promo', '#note', '#private-note', '#card', '#card-holder', '.card-box'];
    await expect
      .poll(async () => (await mirrorElements(agent.page, ['#promo']))[0]?.value, { timeout: COBROWSE_TIMEOUT_MS })
      .toBe(promo);
    const mirrored = Object.fromEntries((await mirrorElements(agent.page, fields)).map((probe) => [probe.selector, probe]));
    for (const field of ['#full-name', '#email', '#password', '#message', '#session-ref']) {
      expect(mirrored[field]?.value, field).toBe(COBROWSE_MASK);
    }
    expect(mirrored['#plan']?.value).not.toBe('team');
    expect(mirrored['#note']?.text).toBe(COBROWSE_MASK);
    expect(mirrored['#private-note']?.text).toBe(COBROWSE_MASK);
    // The private box is kept as an empty placeholder of its size; nothing inside it exists.
    expect(mirrored['.card-box']?.found).toBe(true);
    expect(mirrored['.card-box']?.text).toBe('');
    expect(mirrored['#card']?.found).toBe(false);
    expect(mirrored['#card-holder']?.found).toBe(false);

    // No canary in anything the visitor sent, the console received or the console shows.
    const values = Object.values(canaries);
    const leaks = (texts: string[]): string[] => values.filter((value) => texts.some((text) => text.includes(value)));
    expect(visitorFrames.sent.length).toBeGreaterThan(0);
    expect(leaks(visitorFrames.sent)).toEqual([]);
    expect(leaks(agentFrames.received)).toEqual([]);
    expect(leaks(await consoleTexts(agent.page))).toEqual([]);
    expect(visitorFrames.sent.join('').includes('CANARY-7f3a91')).toBe(false);

    // Every recorded input carries the fixed mask, except the unmasked promo field (prefixes while typing).
    const inputs = recordedEvents(visitorFrames.sent).filter(
      (event) => event.type === RRWEB.IncrementalSnapshot && event.data?.source === RRWEB.InputSource,
    );
    expect(inputs.length).toBeGreaterThan(0);
    const unexpected = inputs.map((event) => event.data?.text ?? '').filter((text) => text !== COBROWSE_MASK && !promo.startsWith(text));
    expect(unexpected).toEqual([]);
    // The widget itself is never captured: neither its chat log nor its own controls.
    const pageData = visitorFrames.sent.filter((text) => text.includes('"cobrowse.events"')).join('');
    expect(pageData).not.toContain(firstText);
    expect(pageData).not.toContain('Stop sharing');
  });
});
