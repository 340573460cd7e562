import { render } from 'preact';
import { act } from 'preact/test-utils';
import { describe, expect, it } from 'vitest';
import { Inbox } from './Inbox.js';
import { reduce } from './store/reducer.js';
import { initialState, type ConsoleState } from './store/state.js';
import { recordingActions } from './test-support/actions.js';
import { allByRole, byRole, nameOf, press, useRenderRoot } from './test-support/dom.js';
import { conversation, ME, message, visitor, welcome } from './test-support/fixtures.js';

const root = useRenderRoot();
const NOW = 100_000;

function state(): ConsoleState {
  let s = reduce(initialState(), {
    kind: 'frame',
    now: 0,
    frame: welcome([
      conversation({ id: 'c1', visitorId: 'q9Zx0000', updatedAt: 10_000, lastMessage: { text: 'Where is my order?', author: 'visitor', at: 10_000 } }),
      conversation({ id: 'c2', visitorName: 'Dana Lee', updatedAt: 90_000, lastMessage: { text: 'Thanks!', author: 'visitor', at: 90_000 } }),
      conversation({ id: 'c3', assigneeId: ME.id, updatedAt: 50_000, agentReadSeq: 1 }),
    ]),
  });
  s = reduce(s, { kind: 'frame', now: 0, frame: { type: 'inbox.items', view: 'resolved', conversations: [conversation({ id: 'c4', status: 'resolved' })] } });
  return s;
}


describe('Inbox', () => {
  it('shows every view with its count in a nav named Inbox', () => {
    render(<Inbox state={state()} actions={recordingActions()} now={NOW} />, root());
    const nav = byRole(root(), 'navigation', 'Inbox');
    expect(allByRole(nav, 'button').map(nameOf)).toEqual(['Waiting 2', 'Mine 1', 'All open 3', 'Closed 1', 'Callbacks 0']);
    expect(byRole(nav, 'button', 'Waiting 2').getAttribute('aria-current')).toBe('page');
  });

  it('lists the view newest first, each row named by visitor then last message', () => {
    render(<Inbox state={state()} actions={recordingActions()} now={NOW} />, root());
    const rows = allByRole(root(), 'button').filter((b) => b.classList.contains('pc-row'));
    expect(rows.map(nameOf)).toEqual(['Dana Lee Thanks! now Unread', 'Visitor q9Zx Where is my order? 2m Unread']);
  });

  it('switches views and opens conversations', () => {
    const actions = recordingActions();
    render(<Inbox state={state()} actions={actions} now={NOW} />, root());
    byRole(root(), 'button', /^Closed/).click();
    byRole(root(), 'button', /^Dana Lee/).click();
    expect(actions.calls).toEqual([
      ['selectView', 'resolved'],
      ['openConversation', 'c2'],
    ]);
  });

  it('moves through the rows with the arrow keys', async () => {
    render(<Inbox state={state()} actions={recordingActions()} now={NOW} />, root());
    const first = byRole(root(), 'button', /^Dana Lee/);
    const second = byRole(root(), 'button', /^Visitor q9Zx/);
    expect([first.tabIndex, second.tabIndex]).toEqual([0, -1]);
    first.focus();
    await act(() => {
      press(first, 'ArrowDown');
    });
    expect(document.activeElement).toBe(second);
    press(second, 'Home');
    expect(document.activeElement).toBe(first);
  });

  it('previews the last words of a person, not the system lines after them', () => {
    let s = reduce(initialState(), {
      kind: 'frame',
      now: 0,
      frame: welcome([conversation({ id: 'c1', visitorName: 'Dana Lee', lastSeq: 1, lastMessage: { text: 'Is it in stock?', author: 'visitor', at: 2_000 } })]),
    });
    const system = (seq: number, text: string) => message(seq, { author: 'system', authorId: '', text, at: 5_000 + seq });
    s = reduce(s, { kind: 'frame', now: 0, frame: { type: 'chat.message', message: system(2, 'Ann resolved the conversation') } });
    s = reduce(s, { kind: 'frame', now: 0, frame: { type: 'chat.message', message: system(3, 'Ann reopened the conversation') } });
    render(<Inbox state={s} actions={recordingActions()} now={NOW} />, root());
    expect(byRole(root(), 'button', /^Dana Lee/).querySelector('.pc-row-text')?.textContent).toBe('Is it in stock?');

    s = reduce(s, { kind: 'frame', now: 0, frame: { type: 'chat.message', message: message(4, { author: 'agent', authorId: ME.id, text: 'Yes, two left.' }) } });
    s = reduce(s, { kind: 'frame', now: 0, frame: { type: 'chat.message', message: system(5, 'Ann resolved the conversation') } });
    render(<Inbox state={s} actions={recordingActions()} now={NOW} />, root());
    // Who said it stays marked.
    expect(byRole(root(), 'button', /^Dana Lee/).querySelector('.pc-row-text')?.textContent).toBe('You: Yes, two left.');
  });

  it('shows whether the visitor is still on the site, in words as well as by its mark, live', () => {
    let s = reduce(initialState(), {
      kind: 'frame',
      now: 0,
      frame: welcome([
        conversation({ id: 'c1', visitorId: 'v1abcdef', visitorName: 'Dana Lee', visitorOnline: true }),
        conversation({ id: 'c2', visitorId: 'v2abcdef', visitorName: 'Sam Park', visitorOnline: false }),
      ]),
    });
    render(<Inbox state={s} actions={recordingActions()} now={NOW} />, root());
    const dana = () => byRole(root(), 'button', /^Dana Lee/);
    expect(nameOf(dana())).toMatch(/^Dana Lee \(on the site\) Hello\?/);
    expect(nameOf(byRole(root(), 'button', /^Sam Park/))).toMatch(/^Sam Park \(left the site\)/);
    // Not by colour alone: the mark of a visitor who left is a ring, not a filled dot.
    expect(dana().querySelector('.pc-row-presence')?.classList.contains('pc-row-presence--on')).toBe(true);
    expect(byRole(root(), 'button', /^Sam Park/).querySelector('.pc-row-presence')?.classList.contains('pc-row-presence--on')).toBe(false);
    expect(dana().querySelector('.pc-row-presence')?.getAttribute('title')).toBe('On the site');

    // The visitor closes their last tab: the relay says so and the row follows.
    s = reduce(s, { kind: 'frame', now: 0, frame: { type: 'visitor.updated', visitor: visitor({ id: 'v1abcdef', name: 'Dana Lee', online: false }) } });
    render(<Inbox state={s} actions={recordingActions()} now={NOW} />, root());
    expect(nameOf(dana())).toMatch(/^Dana Lee \(left the site\)/);
    expect(dana().querySelector('.pc-row-presence')?.classList.contains('pc-row-presence--on')).toBe(false);
  });

  it('updates counts live when a conversation is taken', () => {
    const before = state();
    const after = reduce(before, {
      kind: 'frame',
      now: 0,
      frame: { type: 'conversation.updated', conversation: { ...before.conversations.c1!, assigneeId: ME.id, updatedAt: 95_000 } },
    });
    render(<Inbox state={after} actions={recordingActions()} now={NOW} />, root());
    expect(allByRole(byRole(root(), 'navigation', 'Inbox'), 'button').map(nameOf)).toEqual(['Waiting 1', 'Mine 2', 'All open 3', 'Closed 1', 'Callbacks 0']);
  });
});
