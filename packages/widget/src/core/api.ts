/**
 * The JS API behind `window.Parley(command, ...args)`: checks each command's arguments and runs
 * it on the booted widget. Commands other than `boot` and `on` that arrive before a boot wait for
 * it; listeners registered with `on` survive `shutdown` and a later `boot`.
 */
import type { Attributes } from '@parley/protocol';
import { Emitter } from './emitter.js';
import type { Listener } from './emitter.js';
import type { VisitorUser } from './session.js';
import type { BootOptions } from './boot-options.js';
import type { IdentifyOptions } from './visitor-reports.js';
import { Widget } from './widget.js';
import type { WidgetEvents } from './widget-events.js';

/**
 * The public events a host page can listen to with `Parley('on', event, listener)`:
 * - `ready`: the widget is connected (heard even when the listener comes later);
 * - `open`, `close`: the panel opened or closed;
 * - `message` (`PublicMessage`): a message arrived or was sent;
 * - `unread` (number): the unread count changed;
 * - `cobrowse` (`CobrowseEvent`: `{ sharing, control }`): this page started or stopped being
 *   shared with an agent, or the agent's remote control was allowed or taken back;
 * - `call` (`CallEvent`: `{ phase, caller, reason? }`): a call this tab rings for or takes part
 *   in moved on (`ringing`, `connecting`, `active`, `ended` with its reason).
 */
export type PublicEvent = 'ready' | 'open' | 'close' | 'message' | 'unread' | 'cobrowse' | 'call';

const PUBLIC_EVENTS: readonly PublicEvent[] = ['ready', 'open', 'close', 'message', 'unread', 'cobrowse', 'call'];

/** Attaches the UI to a booted widget; returns the function that removes it. */
export type UiMounter = (widget: Widget) => () => void;

/** One call of `Parley(...)`: the command name then its arguments. */
export type CommandCall = ArrayLike<unknown>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function parseUser(value: unknown): VisitorUser | undefined {
  if (!isObject(value) || (typeof value.userId !== 'string' && typeof value.userId !== 'number')) return undefined;
  const user: VisitorUser = { userId: String(value.userId) };
  const hash = str(value.userHash);
  const name = str(value.name);
  const email = str(value.email);
  if (hash) user.userHash = hash;
  if (name) user.name = name;
  if (email) user.email = email;
  return user;
}

/** Runs JS API commands against at most one booted widget. */
export class Api {
  private _widget: Widget | null = null;
  private _unmount: (() => void) | null = null;
  private _waiting: CommandCall[] = [];
  private _ready = false;
  private readonly _public = new Emitter<WidgetEvents>();

  constructor(
    private readonly _origin: string,
    private readonly _mountUi: UiMounter,
  ) {}

  /** The booted widget, if any. */
  get widget(): Widget | null {
    return this._widget;
  }

  /** Runs one command; returns what the command returns (`on` gives an unsubscribe function). */
  run(call: CommandCall): unknown {
    const [command, a, b] = Array.from(call);
    if (command === 'boot') return this._boot(a);
    if (command === 'on') return this._on(a, b);
    if (command === 'shutdown') return this._shutdown();
    const widget = this._widget;
    if (!widget) {
      // Commands before boot (a queue written in any order) wait for it.
      if (typeof command === 'string') this._waiting = [...this._waiting, call].slice(-50);
      return undefined;
    }
    switch (command) {
      case 'open':
        return widget.setOpen(true);
      case 'close':
        return widget.setOpen(false);
      case 'toggle':
        return widget.toggle();
      case 'send':
        return typeof a === 'string' ? widget.send(a) : false;
      case 'identify':
        return isObject(a) ? widget.identify(a as IdentifyOptions) : undefined;
      case 'track':
        return typeof a === 'string' ? widget.track(a, isObject(b) ? (b as Attributes) : undefined) : undefined;
      default:
        console.warn(`Parley: unknown command ${String(command)}`);
        return undefined;
    }
  }

  private _boot(value: unknown): void {
    if (!isObject(value) || !str(value.siteKey)) {
      console.warn('Parley: boot needs { siteKey }');
      return;
    }
    const options: BootOptions = { siteKey: String(value.siteKey) };
    const language = str(value.language);
    const user = parseUser(value.user);
    if (language) options.language = language;
    if (value.persist === true) options.persist = true;
    if (user) options.user = user;
    const unmask = isObject(value.cobrowse) && value.cobrowse.unmask;
    if (Array.isArray(unmask)) options.cobrowse = { unmask: unmask.filter((s): s is string => !!str(s)) };
    const current = this._widget;
    if (current && current.options.siteKey === options.siteKey) {
      // Booting again (after sign-in, say) keeps the session and just names the user.
      if (user) current.identify(user);
      return;
    }
    if (current) this._shutdown();
    const widget = new Widget(this._origin, options);
    this._widget = widget;
    for (const event of PUBLIC_EVENTS) {
      widget.events.on(event, (v) => {
        if (event === 'ready') this._ready = true;
        this._public.emit(event, v as never);
      });
    }
    this._unmount = this._mountUi(widget);
    void widget.start();
    const waiting = this._waiting;
    this._waiting = [];
    for (const call of waiting) this.run(call);
  }

  private _shutdown(): void {
    this._unmount?.();
    this._unmount = null;
    this._widget?.stop(true);
    this._widget = null;
    this._ready = false;
  }

  private _on(event: unknown, listener: unknown): (() => void) | undefined {
    if (!PUBLIC_EVENTS.includes(event as PublicEvent) || typeof listener !== 'function') return undefined;
    const off = this._public.on(event as PublicEvent, listener as Listener<unknown>);
    // A listener for `ready` added after the fact still hears it.
    if (event === 'ready' && this._ready) (listener as () => void)();
    return off;
  }
}
