/**
 * The co-browse section of a conversation while the visitor shares their page: the live viewer
 * (an iframe of `/console/viewer.html`), a status line with the visitor's address and viewport,
 * and the tools: pointer, highlight and, once the visitor allows it, remote control. Mounting it
 * joins the shared page; unmounting it (the conversation closed, sharing ended) leaves.
 */
import type { CobrowseStatus } from '@parley/protocol';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ConsoleActions } from './actions.js';
import type { CobrowseControlInput } from './cobrowse-channel.js';
import { ViewerLink } from './viewer-link.js';
import type { ViewerControlMessage, ViewerPageMessage, ViewerTool } from './viewer/messages.js';

/** Where the relay serves the viewer page. */
export const VIEWER_SRC = '/console/viewer.html';

/** Props of `CobrowsePanel`. */
export interface CobrowsePanelProps {
  conversationId: string;
  status: CobrowseStatus;
  actions: ConsoleActions;
}

const TOOL_LABELS: ReadonlyArray<[Exclude<ViewerTool, 'none'>, string]> = [
  ['pointer', 'Pointer'],
  ['highlight', 'Highlight'],
  ['control', 'Control'],
];

/** The control frame's fields for a viewer's control message (only those it has). */
function controlInput(c: ViewerControlMessage): CobrowseControlInput {
  const input: CobrowseControlInput = { action: c.action, node: c.node };
  if (c.x !== undefined && c.y !== undefined) {
    input.x = c.x;
    input.y = c.y;
  }
  if (c.value !== undefined) input.value = c.value;
  return input;
}

/** Arrow keys move between the toolbar's buttons (the ARIA toolbar pattern). */
function toolbarOnKeyDown(event: KeyboardEvent): void {
  if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight' && event.key !== 'Home' && event.key !== 'End') return;
  const bar = event.currentTarget as HTMLElement;
  const buttons = [...bar.querySelectorAll<HTMLButtonElement>('button:not(:disabled)')];
  const at = buttons.indexOf(event.target as HTMLButtonElement);
  if (at < 0 || buttons.length === 0) return;
  event.preventDefault();
  const next =
    event.key === 'Home' ? 0 : event.key === 'End' ? buttons.length - 1 : (at + (event.key === 'ArrowRight' ? 1 : -1) + buttons.length) % buttons.length;
  buttons[next]!.focus();
}

function StatusLine({ live, page }: { live: boolean; page: ViewerPageMessage | null }) {
  return (
    <p class="pc-cobrowse-status" role="status">
      {live && page ? (
        <>
          <span class="pc-cobrowse-url" title={page.url}>
            {page.url}
          </span>{' '}
          <span class="pc-cobrowse-size">
            {page.width} × {page.height}
          </span>
        </>
      ) : (
        "The visitor's page is loading…"
      )}
    </p>
  );
}

/** The co-browse section. */
export function CobrowsePanel({ conversationId, status, actions }: CobrowsePanelProps) {
  const frameRef = useRef<HTMLIFrameElement>(null);
  const [page, setPage] = useState<ViewerPageMessage | null>(null);
  const [tool, setTool] = useState<ViewerTool>('none');
  const controlling = status.control === 'active';
  // The handlers read the latest props through this, so the link lives as long as the section.
  const latest = useRef({ controlling, actions });
  latest.current = { controlling, actions };

  const link = useMemo(
    () =>
      new ViewerLink({
        onPage: setPage,
        onPointer: (p) => latest.current.actions.pointCobrowse(conversationId, p.pointer, p.node, p.x, p.y),
        onControl: (c) => {
          // The visitor may have taken control back a moment ago; the relay would refuse it anyway.
          if (latest.current.controlling) latest.current.actions.controlCobrowse(conversationId, controlInput(c));
        },
        onResync: () => latest.current.actions.resyncCobrowse(conversationId),
      }),
    [conversationId],
  );

  useEffect(() => {
    if (frameRef.current) link.attach(frameRef.current);
    const leave = latest.current.actions.watchCobrowse(conversationId, link);
    return () => {
      leave();
      link.detach();
    };
  }, [link]);

  // Control granted: the agent asked for it to act, so the tool is ready; taken back: put away.
  const wasControlling = useRef(controlling);
  useEffect(() => {
    if (controlling && !wasControlling.current) setTool('control');
    if (!controlling && wasControlling.current) setTool((t) => (t === 'control' ? 'none' : t));
    wasControlling.current = controlling;
  }, [controlling]);

  useEffect(() => link.setTool(tool), [link, tool]);

  const toggle = (t: ViewerTool) => setTool((current) => (current === t ? 'none' : t));

  return (
    <section class="pc-cobrowse" aria-label="Co-browse">
      <div class="pc-cobrowse-tools" role="toolbar" aria-label="Co-browse tools" onKeyDown={toolbarOnKeyDown}>
        {TOOL_LABELS.filter(([t]) => t !== 'control' || controlling).map(([t, label]) => (
          <button key={t} type="button" class="pc-button pc-button--small pc-tool" aria-pressed={tool === t} onClick={() => toggle(t)}>
            {label}
          </button>
        ))}
        <span class="pc-spacer" />
        {status.control === 'off' && (
          <button type="button" class="pc-button pc-button--small" onClick={() => actions.requestCobrowse(conversationId, 'control')}>
            Ask for control
          </button>
        )}
        {status.control === 'requested' && (
          <button type="button" class="pc-button pc-button--small" disabled>
            Waiting for control…
          </button>
        )}
        {controlling && (
          <button type="button" class="pc-button pc-button--small" onClick={() => actions.endCobrowse(conversationId, 'control')}>
            Stop control
          </button>
        )}
        <button type="button" class="pc-button pc-button--small pc-button--danger" onClick={() => actions.endCobrowse(conversationId, 'view')}>
          Stop co-browse
        </button>
      </div>
      <StatusLine live={status.live === true} page={page} />
      <div class="pc-viewer" data-live={status.live === true ? 'true' : 'false'}>
        <iframe ref={frameRef} class="pc-viewer-frame" title="Visitor's page" src={VIEWER_SRC} />
      </div>
    </section>
  );
}
