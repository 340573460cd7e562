/**
 * Turns the widget's state into the snapshot the UI renders, and tells the UI (and the host
 * page's `unread` listeners) when it changed.
 */
import { DEFAULT_LIMITS } from '@parley/protocol';
import { cobrowseView } from './cobrowse.js';
import type { WidgetContext } from './context.js';
import type { Emitter } from './emitter.js';
import { strings } from './i18n.js';
import { buildMessages } from './view.js';
import type { WidgetView } from './view.js';
import type { WidgetEvents } from './widget-events.js';

/** The snapshot of the conversation on screen. */
export function buildView(ctx: WidgetContext): WidgetView {
  const active = ctx.active;
  const stored = active ? ctx.store.list(active) : [];
  const readSeq = active ? ctx.read.get(active) : 0;
  return {
    open: ctx.open,
    connectivity: ctx.connectivity,
    agentsOnline: ctx.agentsOnline,
    messages: buildMessages(stored, ctx.outbox),
    agentTyping: ctx.agentTyping.typing,
    unread: stored.filter((m) => m.author === 'agent' && m.seq > readSeq).length,
    language: ctx.language,
    strings: strings(ctx.language),
    maxTextLength: DEFAULT_LIMITS.maxTextLength,
    callable: !!active || !ctx.agentsOnline,
    // Nothing to show it with until the UI chunk loaded (it loads with the first state that needs it).
    cobrowse: ctx.cobrowse.ui ? cobrowseView(ctx) : null,
  };
}

/** Holds the current view and rebuilds it at most once per task. */
export class ViewPublisher {
  private _view: WidgetView;
  private _queued = false;
  private _unread = 0;

  constructor(
    private readonly _events: Emitter<WidgetEvents>,
    private readonly _build: () => WidgetView,
  ) {
    this._view = _build();
  }

  /** The current snapshot. */
  get view(): WidgetView {
    return this._view;
  }

  /** Schedules a rebuild, then emits `unread` (when the count moved) and `change`. */
  changed(): void {
    if (this._queued) return;
    this._queued = true;
    // Many frames arrive in one task (a replay); render once for all of them.
    queueMicrotask(() => {
      this._queued = false;
      this._view = this._build();
      if (this._view.unread !== this._unread) {
        this._unread = this._view.unread;
        this._events.emit('unread', this._unread);
      }
      this._events.emit('change', undefined);
    });
  }
}
