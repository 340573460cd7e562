import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '@parley/protocol';
import { Inbox } from './Inbox.js';
import { reduce } from './store/reducer.js';
import { initialState, type ConsoleState } from './store/state.js';
import { recordingActions } from './test-support/actions.js';
import { allByRole, byRole, nameOf, useRenderRoot } from './test-support/dom.js';
import { callback, conversation, ME, welcome } from './test-support/fixtures.js';

const root = useRenderRoot();
const NOW = new Date(2025, 5, 2, 9, 0).getTime();

function state(...frames: ServerFrame[]): ConsoleState {
  const s = [welcome([conversation({ visitorName: 'Dana Lee' })]), ...frames].reduce(
    (acc, f) => reduce(acc, { kind: 'frame', frame: f, now: 0 }),
    initialState(),
  );
  return reduce(s, { kind: 'view', view: 'callbacks' });
}

const requested = callback({
  window: { from: new Date(2025, 5, 2, 14, 0).getTime(), to: new Date(2025, 5, 2, 16, 0).getTime() },
  note: 'About my refund',
});
const claimed = callback({
  id: 'cb2',
  phone: '+821012345678',
  window: { from: new Date(2025, 5, 3, 9, 0).getTime(), to: new Date(2025, 5, 3, 12, 0).getTime() },
  status: 'claimed',
  agentId: ME.id,
  agentName: ME.name,
  createdAt: 2_000,
  updatedAt: 4_000,
});
const anyTime = callback({ id: 'cb3', createdAt: 1_000 });

describe('the Callbacks view', () => {
  it('is the last inbox view, counting the open tasks, and asks to be shown', () => {
    const actions = recordingActions();
    const s = reduce(state({ type: 'callback.items', filter: 'open', callbacks: [requested, claimed] }), { kind: 'view', view: 'waiting' });
    render(<Inbox state={s} actions={actions} now={NOW} />, root());
    const nav = byRole(root(), 'navigation', 'Inbox');
    byRole(nav, 'button', 'Callbacks 2').click();
    expect(actions.calls).toEqual([['selectView', 'callbacks']]);
  });

  it('lists each task with its number, window, note, status and visitor', () => {
    render(<Inbox state={state({ type: 'callback.items', filter: 'open', callbacks: [requested, claimed] })} actions={recordingActions()} now={NOW} />, root());
    expect(byRole(byRole(root(), 'navigation', 'Inbox'), 'button', 'Callbacks 2').getAttribute('aria-current')).toBe('page');
    const list = byRole(root(), 'list', 'Callback tasks');
    const items = list.querySelectorAll('li');
    expect(items).toHaveLength(2);
    const first = items[0]!;
    expect(byRole(first, 'link', '+442071234567').getAttribute('href')).toBe('tel:+442071234567');
    const time = (h: number) => new Date(2025, 5, 2, h, 0).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    expect(first.textContent).toContain(`Today ${time(14)}–${time(16)}`);
    expect(first.textContent).toContain('About my refund');
    expect(first.textContent).toContain('Requested');
    expect(first.textContent).toContain('Dana Lee');
    expect(items[1]!.textContent).toContain('Claimed by you');
    expect(items[1]!.textContent).toContain('Tomorrow');
  });

  it('puts a task for any time first: it is due now', () => {
    render(<Inbox state={state({ type: 'callback.items', filter: 'open', callbacks: [requested, anyTime] })} actions={recordingActions()} now={NOW} />, root());
    const items = byRole(root(), 'list', 'Callback tasks').querySelectorAll('li');
    expect([...items].map((li) => li.dataset.callbackId)).toEqual(['cb3', 'cb1']);
    expect(items[0]!.textContent).toContain('Any time');
  });

  it('claims, closes and opens the conversation of a task', () => {
    const actions = recordingActions();
    render(<Inbox state={state({ type: 'callback.items', filter: 'open', callbacks: [requested, claimed] })} actions={actions} now={NOW} />, root());
    const [first, second] = [...byRole(root(), 'list', 'Callback tasks').querySelectorAll('li')];
    byRole(first!, 'button', 'Claim').click();
    byRole(first!, 'button', 'Open conversation').click();
    expect(allByRole(second!, 'button', 'Claim')).toHaveLength(0);
    byRole(second!, 'button', 'Done').click();
    byRole(second!, 'button', 'Unreachable').click();
    expect(actions.calls).toEqual([
      ['updateCallback', 'cb1', 'claimed'],
      ['openConversation', 'c1'],
      ['updateCallback', 'cb2', 'done'],
      ['updateCallback', 'cb2', 'unreachable'],
    ]);
  });

  it('drops a task once it is done, and says when there is nothing to call', () => {
    const s = state(
      { type: 'callback.updated', callback: requested },
      { type: 'callback.updated', callback: { ...requested, status: 'done', agentId: 'agent-jo', agentName: 'Jo', updatedAt: 9_000 } },
    );
    render(<Inbox state={s} actions={recordingActions()} now={NOW} />, root());
    expect(allByRole(root(), 'list', 'Callback tasks')).toHaveLength(0);
    expect(root().textContent).toContain('No callbacks to make');
    expect(allByRole(byRole(root(), 'navigation', 'Inbox'), 'button').map(nameOf).at(-1)).toBe('Callbacks 0');
  });
});
