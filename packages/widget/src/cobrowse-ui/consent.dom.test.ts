import type { CobrowseStatus } from '@parley/protocol';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { StartCobrowseUi } from '../core/cobrowse-ui-host.js';
import { online, until, useWidgetHarness } from '../testing/widget-harness.js';
import { adoptStyles } from '../ui/adopt-styles.js';

// The real chunk, with its entry point watched: the core calls it once per widget, when it loads the UI.
const started = vi.hoisted(() => ({ roots: [] as (ShadowRoot | null)[] }));
vi.mock('./consent.js', async (importOriginal) => {
  const real = await importOriginal<{ startConsent: StartCobrowseUi }>();
  return {
    startConsent: ((root) => {
      started.roots.push(root);
      return real.startConsent(root);
    }) satisfies StartCobrowseUi,
  };
});

const h = useWidgetHarness();

beforeEach(() => {
  started.roots = [];
});

function status(fields: Partial<CobrowseStatus>): CobrowseStatus {
  return { conversationId: 'c1', view: 'off', control: 'off', requestId: null, agentName: 'Mina', since: null, ...fields };
}

describe('co-browse UI chunk', () => {
  it('is loaded by the core only with a request for this tab, and the panel opens once it is there', async () => {
    const widget = h.boot();
    await until(widget, online);
    // Another tab shares: nothing for this one to show.
    h.relay.broadcast({ type: 'cobrowse.state', status: status({ view: 'active', source: false, since: 1 }) });
    // Frames are handled in order: once this one shows, the state before it was taken.
    h.relay.broadcast({ type: 'presence', agentsOnline: 3 });
    await until(widget, (w) => w.view.agentsOnline === 3);
    expect(started.roots).toEqual([]);
    expect(widget.cobrowseUi).toBeNull();
    h.relay.broadcast({ type: 'cobrowse.state', status: status({ view: 'requested', requestId: 'request-0001' }) });
    await until(widget, (w) => w.view.cobrowse?.ask === 'view');
    expect(started.roots).toHaveLength(1);
    expect(widget.cobrowseUi).not.toBeNull();
    expect(widget.view.open).toBe(true);
  });

  it('adds its CSS after the core sheet', async () => {
    const { startConsent } = await import('./consent.js');
    const root = document.createElement('div').attachShadow({ mode: 'open' });
    adoptStyles(root, '.core{color:red}');
    const ui = startConsent(root);
    expect(root.adoptedStyleSheets).toHaveLength(2);
    expect(root.adoptedStyleSheets[1]!.cssRules[0]!.cssText).toContain('.cb-frame');
    expect(Object.keys(ui).sort()).toEqual(['Indicator', 'Prompt']);
  });
});
