import { act } from 'preact/test-utils';
import { describe, expect, it } from 'vitest';
import type { CobrowseEventsFrame, CobrowseStatus } from '@parley/protocol';
import type { CobrowseWatcher } from './cobrowse-channel.js';
import { reduce, type ConsoleAction } from './store/reducer.js';
import { initialState, type ConsoleState } from './store/state.js';
import { recordingActions } from './test-support/actions.js';
import { showConversation } from './test-support/conversation-view.js';
import { allByRole, byRole, useRenderRoot } from './test-support/dom.js';
import { cobrowseStatus, conversation, welcome } from './test-support/fixtures.js';
import { postFromViewer, useViewerPageStub } from './test-support/viewer-page.js';
import type { ToViewerMessage } from './viewer/messages.js';

const root = useRenderRoot();
useViewerPageStub();

function withCobrowse(status: Partial<CobrowseStatus>, summary = conversation()): ConsoleState {
  const actions: ConsoleAction[] = [
    { kind: 'frame', now: 0, frame: welcome([summary]) },
    { kind: 'select', conversationId: 'c1' },
    { kind: 'frame', now: 0, frame: { type: 'cobrowse.state', status: cobrowseStatus(status) } },
  ];
  return actions.reduce(reduce, initialState());
}

const ACTIVE: Partial<CobrowseStatus> = { view: 'active', live: true, since: 1_000, agentName: 'Mina' };

function show(state: ConsoleState, actions = recordingActions()) {
  return showConversation(root(), state, actions);
}

function viewerFrame(): HTMLIFrameElement {
  return root().querySelector<HTMLIFrameElement>('iframe[title="Visitor\'s page"]')!;
}

/** What the panel posts to its viewer window. */
function capturePosts(frame: HTMLIFrameElement): ToViewerMessage[] {
  const posted: ToViewerMessage[] = [];
  frame.contentWindow!.postMessage = ((message: ToViewerMessage) => posted.push(message)) as Window['postMessage'];
  return posted;
}

function fromViewer(data: unknown): void {
  act(() => postFromViewer(viewerFrame(), data));
}

const section = () => byRole(root(), 'region', 'Co-browse');
const tool = (name: string) => byRole(byRole(root(), 'toolbar', 'Co-browse tools'), 'button', name);

describe('co-browse in the conversation view', () => {
  it('offers Ask to see page while nothing is shared, and asks for the view scope', () => {
    const actions = show(withCobrowse({}));
    expect(allByRole(root(), 'region', 'Co-browse')).toHaveLength(0);
    byRole(root(), 'button', 'Ask to see page').click();
    expect(actions.calls).toEqual([['requestCobrowse', 'c1', 'view']]);
  });

  it('does not offer it on a resolved conversation', () => {
    show(withCobrowse({}, conversation({ status: 'resolved' })));
    expect(allByRole(root(), 'button', 'Ask to see page')).toHaveLength(0);
  });

  it('waits for the visitor while requested and cancels with cobrowse.end view', () => {
    const actions = show(withCobrowse({ view: 'requested', requestId: 'req-12345678', agentName: 'Mina' }));
    expect(byRole(root(), 'status', 'Waiting for the visitor to share their page')).toBeTruthy();
    expect(allByRole(root(), 'button', 'Ask to see page')).toHaveLength(0);
    byRole(root(), 'button', 'Cancel request').click();
    expect(actions.calls).toEqual([['endCobrowse', 'c1', 'view']]);
  });

  it('shows the viewer, joins the shared page and leaves it when sharing ends', () => {
    const actions = show(withCobrowse(ACTIVE));
    const frame = viewerFrame();
    expect(section().contains(frame)).toBe(true);
    expect(frame.getAttribute('src')).toBe('/console/viewer.html');
    expect(actions.calls.map(([name, id]) => [name, id])).toEqual([['watchCobrowse', 'c1']]);
    // The chat stays beside it.
    expect(byRole(root(), 'log', 'Messages')).toBeTruthy();
    expect(byRole(root(), 'textbox', 'Reply')).toBeTruthy();
    show(withCobrowse({}), actions);
    expect(allByRole(root(), 'region', 'Co-browse')).toHaveLength(0);
    expect(actions.calls.at(-1)).toEqual(['leaveCobrowse', 'c1']);
  });

  it('says the page is loading until the viewer reports it, and while the visitor’s tab reloads', () => {
    const actions = show(withCobrowse(ACTIVE));
    expect(byRole(section(), 'status').textContent).toBe("The visitor's page is loading…");
    fromViewer({ kind: 'ready' });
    fromViewer({ kind: 'page', url: 'https://shop.test/cart', width: 1280, height: 720 });
    expect(byRole(section(), 'status').textContent).toBe('https://shop.test/cart 1280 × 720');
    show(withCobrowse({ ...ACTIVE, live: false }), actions);
    expect(byRole(section(), 'status').textContent).toBe("The visitor's page is loading…");
  });

  it('feeds the page data it is given to the viewer once the viewer is ready', () => {
    const actions = show(withCobrowse(ACTIVE));
    const posted = capturePosts(viewerFrame());
    const watcher = actions.calls[0]![2] as CobrowseWatcher;
    const frame: CobrowseEventsFrame = { type: 'cobrowse.events', conversationId: 'c1', stream: 'stream-a1b2c3', seq: 0, full: true, data: '[]' };
    watcher.events(frame);
    expect(posted).toEqual([]);
    fromViewer({ kind: 'ready' });
    expect(posted).toEqual([
      { kind: 'tool', tool: 'none' },
      { kind: 'events', frame },
    ]);
  });

  it('switches one tool at a time and tells the viewer', () => {
    show(withCobrowse(ACTIVE));
    const posted = capturePosts(viewerFrame());
    fromViewer({ kind: 'ready' });
    expect(allByRole(root(), 'button', 'Control')).toHaveLength(0);
    act(() => tool('Pointer').click());
    expect(tool('Pointer').getAttribute('aria-pressed')).toBe('true');
    act(() => tool('Highlight').click());
    expect(tool('Pointer').getAttribute('aria-pressed')).toBe('false');
    expect(tool('Highlight').getAttribute('aria-pressed')).toBe('true');
    act(() => tool('Highlight').click());
    expect(tool('Highlight').getAttribute('aria-pressed')).toBe('false');
    expect(posted.filter((m) => m.kind === 'tool')).toEqual([
      { kind: 'tool', tool: 'none' },
      { kind: 'tool', tool: 'pointer' },
      { kind: 'tool', tool: 'highlight' },
      { kind: 'tool', tool: 'none' },
    ]);
  });

  it('turns the viewer’s pointer messages into pointer actions and drops control without consent', () => {
    const actions = show(withCobrowse(ACTIVE));
    fromViewer({ kind: 'pointer', pointer: 'highlight', node: 12, x: 0.25, y: 0.5 });
    fromViewer({ kind: 'control', action: 'click', node: 12, x: 0.5, y: 0.5 });
    fromViewer({ kind: 'resync' });
    expect(actions.calls.slice(1)).toEqual([
      ['pointCobrowse', 'c1', 'highlight', 12, 0.25, 0.5],
      ['resyncCobrowse', 'c1'],
    ]);
  });

  it('asks for control, waits for it, then offers the Control tool and Stop control', () => {
    const actions = show(withCobrowse(ACTIVE));
    act(() => byRole(section(), 'button', 'Ask for control').click());
    expect(actions.calls.at(-1)).toEqual(['requestCobrowse', 'c1', 'control']);

    show(withCobrowse({ ...ACTIVE, control: 'requested', requestId: 'req-87654321' }), actions);
    const waiting = byRole(section(), 'button', 'Waiting for control…') as HTMLButtonElement;
    expect(waiting.disabled).toBe(true);
    expect(allByRole(root(), 'button', 'Ask for control')).toHaveLength(0);

    show(withCobrowse({ ...ACTIVE, control: 'active' }), actions);
    // Granted: the Control tool is ready to use.
    expect(tool('Control').getAttribute('aria-pressed')).toBe('true');
    fromViewer({ kind: 'control', action: 'input', node: 9, value: 'SAVE10' });
    expect(actions.calls.at(-1)).toEqual(['controlCobrowse', 'c1', { action: 'input', node: 9, value: 'SAVE10' }]);
    act(() => byRole(section(), 'button', 'Stop control').click());
    expect(actions.calls.at(-1)).toEqual(['endCobrowse', 'c1', 'control']);

    show(withCobrowse(ACTIVE), actions);
    expect(allByRole(root(), 'button', 'Control')).toHaveLength(0);
    expect(byRole(section(), 'button', 'Ask for control')).toBeTruthy();
  });

  it('stops co-browsing with cobrowse.end view', () => {
    const actions = show(withCobrowse(ACTIVE));
    act(() => byRole(section(), 'button', 'Stop co-browse').click());
    expect(actions.calls.at(-1)).toEqual(['endCobrowse', 'c1', 'view']);
  });

  it('moves between the toolbar’s buttons with the arrow keys', () => {
    show(withCobrowse(ACTIVE));
    const bar = byRole(root(), 'toolbar', 'Co-browse tools');
    tool('Pointer').focus();
    act(() => {
      tool('Pointer').dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    });
    expect(document.activeElement).toBe(tool('Highlight'));
    act(() => {
      tool('Highlight').dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
    });
    expect(document.activeElement).toBe(byRole(bar, 'button', 'Stop co-browse'));
  });
});
