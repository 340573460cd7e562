/**
 * The visitor's page as rrweb's replayer rebuilds it, live, scaled to fit the viewer. Each full
 * batch gets a fresh replayer (a new page load, or a checkpoint after a gap): it is built out of
 * sight and replaces the one on screen once its snapshot is rebuilt, so the agent never sees an
 * empty frame in between. The replayer's iframe is sandboxed without scripts, and the viewer
 * page's CSP (inherited by that about:blank frame) forbids them again.
 */
import { Replayer } from '@rrweb/replay';
import { fitInto, type Fit } from './geometry.js';
import { LiveClock } from './live-clock.js';
import type { MirrorSink } from './page-stream.js';
import type { ReplayEvent } from './replay-events.js';

/** The rebuilt page on screen, for the agent's tools. */
export interface MirrorView {
  iframe: HTMLIFrameElement;
  doc: Document;
  win: Window;
  /** rrweb's id of a node of the mirror; -1 when it has none. */
  idOf(node: Node): number;
  /** The scale the mirror is shown at. */
  scale: number;
}

/** Attribute on the mirror iframe on screen (end-to-end tests find the mirror by it). */
export const MIRROR_ATTRIBUTE = 'data-parley-mirror';

/** Events kept by a replayer beyond which the played ones are let go (live mode keeps them all). */
const HISTORY_LIMIT = 4000;
/** How many recent events stay after trimming. */
const HISTORY_KEEP = 500;

type AddEvent = Parameters<Replayer['addEvent']>[0];

interface Live {
  replayer: Replayer;
  clock: LiveClock;
  screen: HTMLElement;
  /** The visitor's viewport, from the replayer's resize event. */
  size: { width: number; height: number } | null;
}

/** What the host tells the viewer. */
export interface MirrorHostHooks {
  /** A new picture is on screen. */
  onShown(): void;
}

function isSize(value: unknown): value is { width: number; height: number } {
  const v = value as { width?: unknown; height?: unknown } | null;
  return typeof v?.width === 'number' && typeof v.height === 'number' && v.width > 0 && v.height > 0;
}

/** The mirror of one viewer. */
export class MirrorHost implements MirrorSink {
  private readonly stage: HTMLElement;
  private readonly hooks: MirrorHostHooks;
  private shown: Live | null = null;
  private pending: Live | null = null;
  private fit: Fit = { scale: 1, left: 0, top: 0 };

  /** Screens are added to `stage` before its first child (the overlay stays on top). */
  constructor(stage: HTMLElement, hooks: MirrorHostHooks) {
    this.stage = stage;
    this.hooks = hooks;
  }

  /** Starts a new picture from a batch holding a full snapshot. */
  full(events: ReplayEvent[]): void {
    this.pending?.replayer.destroy();
    this.pending?.screen.remove();
    const screen = this.stage.ownerDocument.createElement('div');
    screen.className = 'pv-screen pv-screen--pending';
    this.stage.prepend(screen);
    const clock = new LiveClock(performance.now());
    const replayer = new Replayer([], {
      root: screen,
      liveMode: true,
      // Changes are applied to the real mirror at once: rrweb's virtual DOM is only flushed by play().
      useVirtualDom: false,
      mouseTail: false,
      // The visitor's page keeps its animations; a focus in the mirror must not steal the agent's caret.
      pauseAnimation: false,
      triggerFocus: false,
      showWarning: false,
    });
    const live: Live = { replayer, clock, screen, size: null };
    replayer.on('resize', (size) => {
      if (isSize(size)) live.size = { width: size.width, height: size.height };
      this.layout();
    });
    replayer.on('fullsnapshot-rebuilded', () => this.show(live));
    replayer.startLive(clock.baseline);
    this.pending = live;
    this.push(live, events);
  }

  /** Adds a later batch to the newest picture. */
  add(events: ReplayEvent[]): void {
    const live = this.pending ?? this.shown;
    if (live) this.push(live, events);
  }

  /** The page on screen, or null before the first one is rebuilt. */
  view(): MirrorView | null {
    const live = this.shown;
    const doc = live?.replayer.iframe.contentDocument;
    const win = live?.replayer.iframe.contentWindow;
    if (!live || !doc || !win) return null;
    const mirror = live.replayer.getMirror();
    return { iframe: live.replayer.iframe, doc, win, idOf: (node) => mirror.getId(node), scale: this.fit.scale };
  }

  /** Fits the mirror into the viewer again (the window or the visitor's viewport changed). */
  layout(): void {
    const view = { width: this.stage.clientWidth, height: this.stage.clientHeight };
    for (const live of [this.shown, this.pending]) {
      if (!live?.size) continue;
      const fit = fitInto(view, live.size);
      live.screen.style.transform = `translate(${fit.left}px, ${fit.top}px) scale(${fit.scale})`;
      if (live === this.shown) this.fit = fit;
    }
  }

  /** Removes every picture. */
  destroy(): void {
    for (const live of [this.shown, this.pending]) {
      live?.replayer.destroy();
      live?.screen.remove();
    }
    this.shown = null;
    this.pending = null;
  }

  private push(live: Live, events: ReplayEvent[]): void {
    live.clock.restamp(events, performance.now());
    for (const event of events) live.replayer.addEvent(event as unknown as AddEvent);
    this.trim(live);
  }

  private show(live: Live): void {
    if (live !== this.pending) return;
    const old = this.shown;
    this.shown = live;
    this.pending = null;
    if (old) {
      old.replayer.destroy();
      old.screen.remove();
    }
    live.screen.classList.remove('pv-screen--pending');
    live.replayer.iframe.setAttribute(MIRROR_ATTRIBUTE, '');
    this.layout();
    this.hooks.onShown();
  }

  /** Lets go of events long played: the live replayer never reads them again, and a long session would pile them up. */
  private trim(live: Live): void {
    const events = live.replayer.service.state.context.events;
    // The first event stays: the replayer measures times from it.
    if (events.length > HISTORY_LIMIT) events.splice(1, events.length - HISTORY_KEEP - 1);
  }
}
