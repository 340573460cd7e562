import type { CobrowseStatus } from '@parley/protocol';
import { describe, expect, it, vi } from 'vitest';
import { until, useWidgetHarness } from '../testing/widget-harness.js';
import type { Widget } from '../core/widget.js';
import { useMountedUi } from '../testing/mounted-ui.js';

// The recording itself needs a real browser (the e2e suite); the prompt and indicator do not.
vi.mock('../cobrowse/cobrowse.js', () => ({
  startCobrowse: () => ({ snapshot() {}, restart() {}, pointer() {}, control() {}, stop() {} }),
}));

const h = useWidgetHarness();
const mounted = useMountedUi(h);

function status(fields: Partial<CobrowseStatus>): CobrowseStatus {
  return { conversationId: 'c1', view: 'off', control: 'off', requestId: null, agentName: 'Mina', since: null, ...fields };
}

async function shown(widget: Widget, s: CobrowseStatus, check: (w: Widget) => boolean): Promise<void> {
  h.relay.broadcast({ type: 'cobrowse.state', status: s });
  await until(widget, check);
  // Preact renders on the next microtask after the change.
  await new Promise((resolve) => setTimeout(resolve, 0));
}

const host = () => document.getElementById('parley-widget')!;
const q = <T extends Element>(selector: string) => host().shadowRoot!.querySelector<T>(selector);
const buttons = (within: Element) => [...within.querySelectorAll('button')].map((b) => b.textContent);
const button = (within: Element, name: string) => [...within.querySelectorAll('button')].find((b) => b.textContent === name)!;

describe('co-browse UI', () => {
  it('marks the shadow host so the recording never captures the widget', async () => {
    await mounted();
    expect(host().hasAttribute('data-parley-widget')).toBe(true);
  });

  it('asks to see the page in an alertdialog that names the agent, then sends the answer', async () => {
    const widget = await mounted();
    await shown(widget, status({ view: 'requested', requestId: 'request-0001' }), (w) => w.view.cobrowse?.ask === 'view');
    const dialog = q('[role="alertdialog"]')!;
    expect(dialog.getAttribute('aria-label')).toBe('Mina wants to see this page');
    expect(dialog.textContent).toContain('stays hidden');
    expect(buttons(dialog)).toEqual(['Share this page', 'Not now']);
    expect(host().shadowRoot!.activeElement).toBe(dialog);
    button(dialog, 'Share this page').click();
    expect(await h.relay.waitFor('cobrowse.consent')).toMatchObject({ granted: true, requestId: 'request-0001' });
    await until(widget, (w) => w.view.cobrowse === null);
  });

  it('says "An agent" when the relay names nobody, and Not now declines', async () => {
    const widget = await mounted();
    await shown(widget, status({ view: 'requested', requestId: 'request-0001', agentName: null }), (w) => !!w.view.cobrowse?.ask);
    const dialog = q('[role="alertdialog"]')!;
    expect(dialog.getAttribute('aria-label')).toBe('An agent wants to see this page');
    button(dialog, 'Not now').click();
    expect(await h.relay.waitFor('cobrowse.consent')).toMatchObject({ granted: false });
  });

  it('asks for control separately, saying what the agent can do', async () => {
    const widget = await mounted();
    const s = status({ view: 'active', source: true, control: 'requested', requestId: 'request-0002', since: 1 });
    await shown(widget, s, (w) => w.view.cobrowse?.ask === 'control');
    const dialog = q('[role="alertdialog"]')!;
    expect(dialog.getAttribute('aria-label')).toBe('Mina asks to control this page');
    expect(dialog.textContent).toContain('take back control at any time');
    expect(buttons(dialog)).toEqual(['Allow control', 'Not now']);
    button(dialog, 'Allow control').click();
    expect(await h.relay.waitFor('cobrowse.consent')).toMatchObject({ granted: true, requestId: 'request-0002' });
  });

  it('shows the sharing indicator with the panel closed, and Stop sharing ends it', async () => {
    const widget = await mounted();
    await shown(widget, status({ view: 'active', source: true, since: 1 }), (w) => !!w.view.cobrowse?.sharing);
    expect(widget.view.open).toBe(false);
    const bar = q('[role="status"][aria-label="Screen sharing"]')!;
    expect(bar.textContent).toContain('Mina is viewing this page');
    expect(buttons(bar)).toEqual(['Stop sharing']);
    expect(q('.cb-frame')).not.toBeNull();
    button(bar, 'Stop sharing').click();
    expect(await h.relay.waitFor('cobrowse.end')).toEqual({ type: 'cobrowse.end', conversationId: 'c1', scope: 'view' });
    await until(widget, (w) => w.view.cobrowse === null);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(q('[aria-label="Screen sharing"]')).toBeNull();
    expect(q('.cb-frame')).toBeNull();
  });

  it('says when the agent controls the page, and Stop control ends only control', async () => {
    const widget = await mounted();
    await shown(widget, status({ view: 'active', control: 'active', source: true, since: 1 }), (w) => !!w.view.cobrowse?.control);
    const bar = q('[aria-label="Screen sharing"]')!;
    expect(bar.textContent).toContain('Mina is controlling this page');
    expect(buttons(bar)).toEqual(['Stop control', 'Stop sharing']);
    button(bar, 'Stop control').click();
    expect(await h.relay.waitFor('cobrowse.end')).toMatchObject({ scope: 'control' });
    await until(widget, (w) => w.view.cobrowse?.control === false);
    expect(widget.view.cobrowse?.sharing).toBe(true);
  });

  it('speaks Korean', async () => {
    const widget = await mounted('ko');
    await shown(widget, status({ view: 'requested', requestId: 'request-0001' }), (w) => !!w.view.cobrowse?.ask);
    const dialog = q('[role="alertdialog"]')!;
    expect(dialog.getAttribute('aria-label')).toBe('Mina님이 이 페이지를 보려고 합니다');
    expect(buttons(dialog)).toEqual(['이 페이지 공유', '나중에']);
    await shown(widget, status({ view: 'active', source: true, since: 1 }), (w) => !!w.view.cobrowse?.sharing);
    const bar = q('[role="status"][aria-label="화면 공유"]')!;
    expect(bar.textContent).toContain('Mina님이 이 페이지를 보고 있습니다');
    expect(buttons(bar)).toEqual(['공유 중지']);
  });
});
