import { act } from 'preact/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import { reduce, type ConsoleAction } from './store/reducer.js';
import { initialState, type ConsoleState } from './store/state.js';
import { recordingActions } from './test-support/actions.js';
import { showConversation } from './test-support/conversation-view.js';
import { allByRole, byRole, press, typeInto, useRenderRoot } from './test-support/dom.js';
import { callInfo, cobrowseStatus, conversation, ME, message, visitor, welcome } from './test-support/fixtures.js';

const root = useRenderRoot();
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

function opened(extra: ConsoleAction[] = [], summary = conversation({ lastSeq: 3 })): ConsoleState {
  const base: ConsoleAction[] = [
    { kind: 'frame', now: 0, frame: welcome([summary]) },
    { kind: 'select', conversationId: 'c1' },
    {
      kind: 'frame',
      now: 0,
      frame: {
        type: 'chat.messages',
        conversationId: 'c1',
        complete: true,
        messages: [
          message(1, { text: HOSTILE }),
          message(2, { author: 'system', authorId: '', text: 'Mina took the conversation' }),
          message(3, { author: 'agent', authorId: ME.id, authorName: ME.name, text: 'Hi, how can I help?' }),
        ],
      },
    },
  ];
  return [...base, ...extra].reduce(reduce, initialState());
}

function show(state: ConsoleState, actions = recordingActions()) {
  return showConversation(root(), state, actions);
}

beforeEach(() => {
  delete (window as unknown as { __pwned?: number }).__pwned;
});

describe('ConversationView', () => {
  it('renders messages as text in a log named Messages', () => {
    show(opened());
    const log = byRole(root(), 'log', 'Messages');
    expect(log.getAttribute('aria-live')).toBe('polite');
    expect(log.querySelector('img')).toBeNull();
    expect(log.querySelector('[data-seq="1"] .pc-msg-text')!.textContent).toBe(HOSTILE);
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('shows authors, system messages apart, and the status of the agent’s own replies', () => {
    show(opened());
    const log = byRole(root(), 'log', 'Messages');
    expect(log.querySelector('[data-seq="1"] .pc-msg-author')!.textContent).toBe('Visitor v1ab');
    expect(log.querySelector('[data-seq="2"]')!.classList.contains('pc-msg--system')).toBe(true);
    const own = log.querySelector('[data-seq="3"]')!;
    expect(own.querySelector('.pc-msg-author')!.textContent).toBe('You');
    expect(own.getAttribute('data-status')).toBe('sent');
  });

  it('shows replies waiting for the relay as sending or failed', () => {
    const state = opened([
      { kind: 'send', message: { clientId: 'pending-0001', conversationId: 'c1', text: 'On its way', createdAt: 1, status: 'sending' } },
      { kind: 'send', message: { clientId: 'pending-0002', conversationId: 'c1', text: 'Too long', createdAt: 2, status: 'sending' } },
      { kind: 'frame', now: 0, frame: { type: 'error', code: 'text_too_long', message: 'Too long for the relay', ref: 'pending-0002' } },
    ]);
    const actions = show(state);
    expect(root().querySelector('[data-client-id="pending-0001"]')!.getAttribute('data-status')).toBe('sending');
    const failed = root().querySelector('[data-client-id="pending-0002"]')!;
    expect(failed.getAttribute('data-status')).toBe('failed');
    byRole(failed, 'button', 'Retry').click();
    expect(actions.calls).toEqual([['retryReply', 'pending-0002']]);
  });

  it('offers Assign to me and Resolve on a waiting conversation, Reopen on a resolved one', () => {
    const actions = show(opened());
    expect(allByRole(root(), 'button', /^(Assign to me|Resolve|Reopen)$/).map((b) => b.textContent)).toEqual(['Assign to me', 'Resolve']);
    byRole(root(), 'button', 'Assign to me').click();
    byRole(root(), 'button', 'Resolve').click();
    expect(actions.calls).toEqual([
      ['assignToMe', 'c1'],
      ['resolve', 'c1'],
    ]);
    show(opened([], conversation({ lastSeq: 3, status: 'resolved', assigneeId: ME.id })));
    expect(allByRole(root(), 'button', /^(Assign to me|Resolve|Reopen)$/).map((b) => b.textContent)).toEqual(['Reopen']);
  });

  it('sends the reply on Enter and keeps Shift+Enter for a new line', async () => {
    const actions = show(opened());
    const reply = byRole(root(), 'textbox', 'Reply') as HTMLTextAreaElement;
    await act(() => typeInto(reply, 'first line'));
    const shifted = press(reply, 'Enter', { shiftKey: true });
    expect(shifted.defaultPrevented).toBe(false);
    await act(() => {
      press(reply, 'Enter');
    });
    expect(actions.calls.filter((c) => c[0] === 'sendReply')).toEqual([['sendReply', 'c1', 'first line']]);
    expect(reply.value).toBe('');
  });

  it('sends with the Send button and reports typing', async () => {
    const actions = show(opened());
    const reply = byRole(root(), 'textbox', 'Reply') as HTMLTextAreaElement;
    await act(() => typeInto(reply, 'Hello'));
    await act(() => byRole(root(), 'button', 'Send').click());
    expect(actions.calls.map((c) => c[0])).toEqual(['typingInput', 'sendReply']);
  });

  it('says when the visitor is typing', () => {
    show(opened([{ kind: 'frame', now: 4_000, frame: { type: 'chat.typing', conversationId: 'c1', typing: true, from: 'visitor' } }]));
    expect(root().querySelector('.pc-typing')!.textContent).toBe('Visitor is typing…');
  });

  it('puts focus in the reply box when a conversation opens', () => {
    show(opened());
    expect(document.activeElement).toBe(byRole(root(), 'textbox', 'Reply'));
  });
});

describe('Call visitor in the conversation header', () => {
  const online = (online: boolean, summary = conversation({ lastSeq: 3 })): ConsoleAction => ({
    kind: 'frame',
    now: 0,
    frame: {
      type: 'conversation.detail',
      conversation: summary,
      messages: [],
      visitor: visitor({ online }),
      pages: [],
      events: [],
      past: [],
      cobrowse: cobrowseStatus(),
    },
  });

  it('rings the visitor', () => {
    const actions = show(opened([online(true)]));
    const button = byRole(root(), 'button', 'Call visitor') as HTMLButtonElement;
    expect(button.disabled).toBe(false);
    button.click();
    expect(actions.calls).toEqual([['startCall', 'c1']]);
  });

  it('is disabled while the visitor is offline', () => {
    show(opened([online(false)]));
    expect((byRole(root(), 'button', 'Call visitor') as HTMLButtonElement).disabled).toBe(true);
  });

  it('is disabled while a call is under way in the conversation', () => {
    show(opened([online(true), { kind: 'frame', now: 0, frame: { type: 'call.state', call: callInfo({ phase: 'active', agentName: 'Jo' }) } }]));
    expect((byRole(root(), 'button', 'Call visitor') as HTMLButtonElement).disabled).toBe(true);
  });

  it('is not offered on a resolved conversation', () => {
    const resolved = conversation({ lastSeq: 3, status: 'resolved' });
    show(opened([online(true, resolved)], resolved));
    expect(allByRole(root(), 'button', 'Call visitor')).toHaveLength(0);
  });
});
