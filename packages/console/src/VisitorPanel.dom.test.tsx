import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import type { Callback, VisitorProfile } from '@parley/protocol';
import { reduce } from './store/reducer.js';
import { initialState, type ConsoleState } from './store/state.js';
import { recordingActions } from './test-support/actions.js';
import { allByRole, byRole, useRenderRoot } from './test-support/dom.js';
import { callback, cobrowseStatus, conversation, visitor } from './test-support/fixtures.js';
import { VisitorPanel } from './VisitorPanel.js';

const root = useRenderRoot();

function withVisitor(profile: VisitorProfile, callbacks: Callback[] = []): ConsoleState {
  const s = reduce(initialState(), {
    kind: 'frame',
    now: 0,
    frame: {
      type: 'conversation.detail',
      conversation: conversation(),
      messages: [],
      visitor: profile,
      pages: [
        { url: 'https://shop.test/cart', title: 'Cart', at: 2_000 },
        { url: 'javascript:alert(1)', title: 'Trap', at: 1_000 },
      ],
      events: [{ name: 'checkout_started', props: { total: 42, coupon: 'SPRING' }, at: 1_500 }],
      past: [conversation({ id: 'c0', status: 'resolved', lastMessage: { text: 'Refund please', author: 'visitor', at: 1 } })],
      cobrowse: cobrowseStatus(),
      callbacks,
    },
  });
  return reduce(s, { kind: 'select', conversationId: 'c1' });
}


describe('VisitorPanel', () => {
  it('shows identity, verification and presence in a region named Visitor', () => {
    render(
      <VisitorPanel
        state={withVisitor(visitor({ userId: 'u-1', name: 'Dana Lee', email: 'dana@example.com', verified: true, attributes: { plan: 'pro' } }))}
        actions={recordingActions()}
        now={3_000}
        open={false}
      />,
      root(),
    );
    const region = byRole(root(), 'region', 'Visitor');
    expect(region.textContent).toContain('Dana Lee');
    expect(region.textContent).toContain('dana@example.com');
    expect(region.textContent).toContain('Verified');
    expect(region.textContent).toContain('Online');
    expect(region.textContent).toContain('Chrome 131 on macOS');
    expect(region.textContent).toContain('en-US');
    expect(byRole(region, 'region', 'Attributes').textContent).toContain('plan');
    expect(byRole(region, 'region', 'Events').textContent).toContain('checkout_started');
    expect(byRole(region, 'region', 'Events').textContent).toContain('SPRING');
  });

  it('marks an unproven identity as not verified', () => {
    render(<VisitorPanel state={withVisitor(visitor({ userId: 'u-1', verified: false }))} actions={recordingActions()} now={3_000} open={false} />, root());
    expect(byRole(root(), 'region', 'Visitor').textContent).toContain('Not verified');
  });

  it('links web pages safely and never links other schemes', () => {
    const profile = visitor({ currentPage: { url: 'https://shop.test/cart', title: 'Cart', at: 2_000 } });
    render(<VisitorPanel state={withVisitor(profile)} actions={recordingActions()} now={3_000} open={false} />, root());
    const links = allByRole(root(), 'link', 'Cart') as HTMLAnchorElement[];
    expect(links).toHaveLength(2);
    for (const a of links) {
      expect(a.getAttribute('rel')).toBe('noopener noreferrer');
      expect(a.getAttribute('target')).toBe('_blank');
    }
    expect(allByRole(root(), 'link', 'Trap')).toHaveLength(0);
    const pages = byRole(root(), 'region', 'Pages visited');
    expect([...pages.querySelectorAll('li')].map((li) => li.firstElementChild!.textContent)).toEqual(['Cart', 'Trap']);
  });

  it('opens a past conversation', () => {
    const actions = recordingActions();
    render(<VisitorPanel state={withVisitor(visitor())} actions={actions} now={3_000} open={false} />, root());
    byRole(root(), 'button', /^Refund please/).click();
    expect(actions.calls).toEqual([['openConversation', 'c0']]);
  });

  it('lists the conversation’s callback requests with their buttons', () => {
    const actions = recordingActions();
    const list = [callback({ note: 'After 5 please' }), callback({ id: 'cb0', status: 'unreachable', agentName: 'Jo', agentId: 'agent-jo', createdAt: 1_000 })];
    render(<VisitorPanel state={withVisitor(visitor({ name: 'Dana Lee' }), list)} actions={actions} now={3_000} open={false} />, root());
    const section = byRole(root(), 'region', 'Callbacks');
    const items = byRole(section, 'list', 'Callback requests').querySelectorAll('li');
    expect(items).toHaveLength(2);
    expect(items[0]!.textContent).toContain('After 5 please');
    expect(items[1]!.textContent).toContain('Unreachable (Jo)');
    expect(allByRole(items[1]!, 'button')).toHaveLength(0);
    byRole(items[0]!, 'button', 'Done').click();
    expect(actions.calls).toEqual([['updateCallback', 'cb1', 'done']]);
  });

  it('has no Callbacks section when the visitor asked for none', () => {
    render(<VisitorPanel state={withVisitor(visitor())} actions={recordingActions()} now={3_000} open={false} />, root());
    expect(allByRole(root(), 'region', 'Callbacks')).toHaveLength(0);
  });
});
