/**
 * The call chunk, loaded by the core with `import()` when the visitor presses `Start a call` or
 * the first call or callback frame arrives. It keeps the call this tab rings for or takes part
 * in, runs its WebRTC audio, offers the callback form when a call cannot happen, and shows the
 * visitor's callback requests; all of it in its own element, inside the panel while the panel is
 * open, else (a call in progress only) as a bar above the launcher.
 */
import { nanoid } from 'nanoid';
import { render } from 'preact';
import type { CallEndReason, CallInfo, CallPhase, CallSignal, Callback, CallbackRequestFrame, ClientEndReason, ClientFrame, ErrorFrame, WelcomeFrame } from '@parley/protocol';
import { DEFAULT_LIMITS } from '@parley/protocol';
import type { CallHost, CallInput, CallUi, StartCall } from '../core/call-host.js';
import type { CallEvent } from '../core/widget-events.js';
import { CALL_CSS } from './call-styles.js';
import { CallView } from './CallView.js';
import { ring } from './ring.js';
import { Link } from './link.js';
import type { LinkEvents } from './link.js';
import { openMic } from './media.js';
import { grade, sample } from './quality.js';
import type { Quality, Sample } from './quality.js';
import { callStrings } from './strings.js';
import type { CallStrings, Mishap } from './strings.js';
import { countryOf, windows } from './when.js';

/** The call this tab shows. */
export interface Live {
  id: string;
  /** The visitor started it. */
  out: boolean;
  phase: CallPhase;
  agent: string | null;
  /** This tab takes part: it started or accepted the call. */
  mine: boolean;
  /** When it became active, on this browser's clock. */
  since: number;
}

/** What the call UI shows. */
export interface CallModel {
  live: Live | null;
  muted: boolean;
  quality: Quality | null;
  /** What went wrong with the last call, in words, with `Request a callback`. */
  mishap: Mishap | null;
  form: boolean;
  /** Why the relay refused the last callback request. */
  error: string | null;
  /** The client id of the callback request awaiting the relay's answer. */
  pending: string | null;
  /** The visitor's callback requests, newest first. */
  callbacks: Callback[];
  /** The panel is closed: only a call in progress shows, as a bar. */
  floating: boolean;
}

/** What the visitor sees after a call ended this way, if anything. */
export function mishapOf(call: CallInfo): Mishap | null {
  const by = call.endedBy;
  switch (call.endReason) {
    case 'missed':
      return call.caller === 'visitor' ? 'nobody' : 'missed';
    case 'declined':
      return by === 'agent' ? 'nobody' : null;
    case 'no-microphone':
      return by === 'visitor' ? 'mic' : 'failed';
    case 'failed':
      return 'failed';
    case 'disconnected':
      return 'lost';
    default:
      return null;
  }
}

/** The chunk's state and the visitor's actions on it. */
export class Calls implements CallUi, LinkEvents {
  readonly m: CallModel = {
    live: null, muted: false, quality: null, mishap: null, form: false, error: null, pending: null, callbacks: [], floating: true,
  };
  readonly t: CallStrings;
  private _link: Link | null = null;
  private _slot: HTMLElement | null = null;
  private readonly _box = document.createElement('div');
  private readonly _audio = document.createElement('audio');
  private _sheet = false;
  private _timer: ReturnType<typeof setInterval> | undefined;
  private _ticks = 0;
  private _sample: Sample | null = null;
  /** What to focus after the next render. */
  private _focus = '';

  constructor(
    private readonly _host: CallHost,
    private readonly _open: () => void,
  ) {
    this.t = callStrings(_host.language);
    this._audio.autoplay = true;
  }

  take(frame: CallInput): void {
    const live = this.m.live;
    const ours = live?.mine && 'callId' in frame && frame.callId === live.id;
    switch (frame.type) {
      case 'welcome':
        return this._welcome(frame);
      case 'call.state':
        return this._state(frame.call);
      case 'call.ice':
        // Without media (a page loaded anew while its call lasted) this tab cannot connect it.
        return void (ours && (this._link ? this._link.open(frame.iceServers, live!.out) : this._end('failed')));
      case 'call.signal':
        return void (ours && this._link?.take(frame.signal));
      case 'callback.updated':
        return this._callback(frame.callback);
      case 'error':
        return this._error(frame);
      default:
        return;
    }
  }

  start(): void {
    const m = this.m;
    const host = this._host;
    const conversationId = host.active;
    if (m.live) return;
    m.mishap = null;
    // Nobody to answer (or nothing to call in): the callback form instead.
    if (!host.agentsOnline || !conversationId) return this.form(true);
    const callId = nanoid();
    // Offline: nothing rang, and the microphone is not asked for.
    if (!this._send({ type: 'call.start', conversationId, callId } satisfies ClientFrame)) return this._mishap('failed');
    m.form = false;
    this._begin({ id: callId, out: true, phase: 'ringing', agent: null, mine: true, since: 0 });
    this._emit({ phase: 'ringing', caller: 'visitor' });
  }

  place(slot: HTMLElement | null): void {
    this._slot = slot;
    this._draw();
  }

  stop(): void {
    this.hangUp();
    this._over(null);
    render(null, this._box);
    this._box.remove();
    this._audio.remove();
  }

  /** Answers the agent's call. */
  readonly accept = (): void => {
    const live = this.m.live;
    if (!live) return;
    this._send({ type: 'call.accept', callId: live.id } satisfies ClientFrame);
    live.mine = true;
    this._focus = '[role=region]';
    this._begin(live);
  };

  /** Refuses the agent's call. */
  readonly decline = (): void => {
    const live = this.m.live;
    if (live) this._send({ type: 'call.decline', callId: live.id } satisfies ClientFrame);
    this._over(null, 'declined');
  };

  /** Ends the call (cancels it while it rings out). */
  readonly hangUp = (): void => {
    const live = this.m.live;
    if (live?.mine) this._end(live.out && live.phase === 'ringing' ? 'cancelled' : 'hangup');
  };

  /** Stops or restarts sending the microphone. */
  readonly mute = (): void => {
    this.m.muted = !this.m.muted;
    this._link?.mute(this.m.muted);
    this._draw();
  };

  /** Shows or hides the callback form. */
  readonly form = (open: boolean): void => {
    Object.assign(this.m, { form: open, mishap: null, error: null });
    this._focus = open ? 'input' : '';
    this._draw();
  };

  /** Sends the callback form's request. */
  readonly submit = (form: HTMLFormElement): void => {
    const data = new FormData(form);
    const field = (name: string) => String(data.get(name) ?? '').trim();
    const chosen = windows(new Date()).find((w) => w.key === field('when'));
    const conversationId = this._host.active;
    const country = countryOf(navigator.language);
    const note = field('note').slice(0, DEFAULT_LIMITS.maxTextLength);
    const frame: CallbackRequestFrame = { type: 'callback.request', clientId: nanoid(), phone: field('phone') };
    if (conversationId) frame.conversationId = conversationId;
    if (country) frame.country = country;
    if (chosen) frame.window = { from: chosen.from, to: chosen.to };
    if (note) frame.note = note;
    const sent = this._send(frame);
    this.m.pending = sent ? frame.clientId : null;
    this.m.error = sent ? null : this.t.offline;
    this._draw();
  };

  /** Hides the line about the last call. */
  readonly dismiss = (): void => this._mishap(null);

  signal(signal: CallSignal): void {
    const live = this.m.live;
    if (live) this._send({ type: 'call.signal', callId: live.id, signal } satisfies ClientFrame);
  }

  connected(): void {
    const live = this.m.live;
    if (live) this._send({ type: 'call.connected', callId: live.id } satisfies ClientFrame);
  }

  failed(): void {
    this._end('failed');
  }

  private _send(frame: ClientFrame): boolean {
    return this._host.socket.send(frame);
  }

  private _emit(event: CallEvent): void {
    this._host.events.emit('call', event);
  }

  /** Shows (or hides) the line about the last call. */
  private _mishap(mishap: Mishap | null): void {
    this.m.mishap = mishap;
    this._draw();
  }

  /** This tab takes part: ask for the microphone (the press is the permission prompt's reason) and prepare the media. */
  private _begin(live: Live): void {
    this.m.live = live;
    const mic = openMic();
    // By id: every call.state replaces the object, and a refusal may take the visitor a while.
    mic.catch(() => this.m.live?.id === live.id && this._end('no-microphone'));
    this._link = new Link(mic, this._audio, this);
    this._draw();
  }

  private _welcome(frame: WelcomeFrame): void {
    const live = this.m.live;
    const calls = frame.calls ?? [];
    this.m.callbacks = frame.callbacks ?? [];
    // The relay no longer knows our call (it restarted, or the call ended while we were away).
    if (live && !calls.some((c) => c.callId === live.id)) this._over(live.mine && live.phase !== 'ringing' ? 'lost' : null, 'disconnected');
    for (const call of calls) this._state(call, Date.now() - frame.serverTime);
    this._draw();
  }

  /** A call changed; `skew` (browser minus relay clock) is known when it comes from a welcome. */
  private _state(call: CallInfo, skew?: number): void {
    const m = this.m;
    const live = m.live;
    const incoming = call.phase === 'ringing' && call.caller === 'agent';
    if (live ? live.id !== call.callId : call.phase === 'ended' || !(call.mine || incoming)) return;
    if (call.phase === 'ended') return this._over(mishapOf(call), call.endReason!);
    // Another tab of the visitor answered: this one stops ringing.
    if (!call.mine && !live?.mine && !incoming) return this._over(null);
    const next: Live = {
      id: call.callId,
      out: call.caller === 'visitor',
      phase: call.phase,
      agent: call.agentName,
      mine: !!(call.mine || live?.mine),
      since: live?.since || (call.phase === 'active' ? (skew === undefined ? Date.now() : call.answeredAt! + skew) : 0),
    };
    m.live = next;
    if (live?.phase !== call.phase) this._emit({ phase: call.phase, caller: call.caller });
    if (!live && !next.mine) {
      this._focus = '[role=alertdialog]';
      this._open();
      ring();
    }
    this._timer ??= setInterval(this._tick, 1000);
    this._draw();
  }

  private readonly _tick = (): void => {
    const live = this.m.live;
    const tick = ++this._ticks;
    // An agent calling rings every three seconds until the visitor answers, declines, or it ends.
    if (live?.phase === 'ringing' && !live.mine && tick % 3 === 0) ring();
    const pc = this._link?.pc;
    if (pc && live?.phase === 'active' && tick % 2 === 0) {
      void pc.getStats().then((report) => {
        const now = sample(report);
        if (this._sample && this.m.live) this.m.quality = grade(this._sample, now);
        this._sample = now;
      });
    }
    this._draw();
  };

  private _callback(callback: Callback): void {
    const m = this.m;
    m.callbacks = [callback, ...m.callbacks.filter((c) => c.id !== callback.id)].sort((a, b) => b.createdAt - a.createdAt);
    if (m.pending && callback.status === 'requested') Object.assign(m, { pending: null, form: false, error: null });
    this._draw();
  }

  private _error(frame: ErrorFrame): void {
    const m = this.m;
    const ref = frame.ref;
    if (m.pending && (ref === m.pending || ref === 'callback.request')) {
      m.pending = null;
      const refused = this.t.refused;
      m.error = frame.code in refused ? refused[frame.code as keyof typeof refused] : refused.other;
      this._focus = 'input';
    } else if (m.live && (ref === m.live.id || ref === 'call.start' || ref === 'call.accept')) {
      // Refused: busy (the other call's state shows), or the call is gone.
      return this._over(frame.code === 'call_busy' || ref === 'call.accept' ? null : 'failed', 'failed');
    }
    this._draw();
  }

  /** This side ends the call: tells the relay, then lets go of everything. */
  private _end(reason: ClientEndReason): void {
    const live = this.m.live;
    if (!live) return;
    this._send({ type: 'call.end', callId: live.id, reason } satisfies ClientFrame);
    this._over(reason === 'no-microphone' ? 'mic' : reason === 'failed' ? 'failed' : null, reason);
  }

  /** The call is over for this tab: release the media, say what happened. */
  private _over(mishap: Mishap | null, reason?: CallEndReason): void {
    const m = this.m;
    const live = m.live;
    if (!live) return;
    this._link?.close();
    this._link = null;
    clearInterval(this._timer);
    this._timer = undefined;
    this._sample = null;
    Object.assign(m, { live: null, muted: false, quality: null, mishap });
    this._emit({ phase: 'ended', caller: live.out ? 'visitor' : 'agent', reason });
    this._draw();
  }

  private _draw(): void {
    const root = this._host.layer?.parentNode as ShadowRoot | null | undefined;
    const box = this._box;
    if (root && !this._sheet) {
      this._sheet = true;
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CALL_CSS);
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      root.append(this._audio);
    }
    const parent = this._slot ?? root;
    this.m.floating = !this._slot;
    // The panel's slot inherits the panel's look; the bar carries its own (`root`: colours, font).
    box.className = this._slot ? '' : 'root call-float';
    if (parent && box.parentNode !== parent) parent.append(box);
    render(<CallView c={this} />, box);
    const focus = this._focus;
    this._focus = '';
    // After the panel's own focus move, which happens in the same frame it opens.
    if (focus) setTimeout(() => box.querySelector<HTMLElement>(focus)?.focus());
  }
}

/** Starts the call part of the widget. */
export const startCall: StartCall = (host, open) => new Calls(host, open);
