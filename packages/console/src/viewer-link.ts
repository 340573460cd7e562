/**
 * The console's end of the link to its co-browse viewer iframe: page data and the chosen tool go
 * in by postMessage, the viewer's messages come back through the same origin and window checks
 * and the guards of `viewer/messages.ts`. Page data that arrives before the viewer says `ready`
 * is held from the newest full batch on (anything older could not be applied anyway).
 */
import type { CobrowseEventsFrame } from '@parley/protocol';
import type { CobrowseWatcher } from './cobrowse-channel.js';
import {
  readFromViewer,
  type ToViewerMessage,
  type ViewerControlMessage,
  type ViewerPageMessage,
  type ViewerPointerMessage,
  type ViewerTool,
} from './viewer/messages.js';

/** What the viewer tells the console. */
export interface ViewerLinkHandlers {
  onPage(page: ViewerPageMessage): void;
  onPointer(pointer: ViewerPointerMessage): void;
  onControl(control: ViewerControlMessage): void;
  /** The viewer needs a fresh checkpoint. */
  onResync(): void;
}

function startsFullBatch(frame: CobrowseEventsFrame): boolean {
  return frame.full === true && (frame.part ?? 0) === 0;
}

/** The link to one viewer iframe. */
export class ViewerLink implements CobrowseWatcher {
  private readonly handlers: ViewerLinkHandlers;
  private frame: HTMLIFrameElement | null = null;
  private ready = false;
  private held: CobrowseEventsFrame[] = [];
  /** Page data was dropped before the viewer was ready (no full batch to start from). */
  private missed = false;
  private tool: ViewerTool = 'none';
  private readonly windowOnMessage = (event: MessageEvent) => this.receive(event);

  constructor(handlers: ViewerLinkHandlers) {
    this.handlers = handlers;
  }

  /** Starts listening to the viewer in `frame`. */
  attach(frame: HTMLIFrameElement): void {
    this.frame = frame;
    frame.ownerDocument.defaultView?.addEventListener('message', this.windowOnMessage);
  }

  /** Stops listening and forgets what was held. */
  detach(): void {
    this.frame?.ownerDocument.defaultView?.removeEventListener('message', this.windowOnMessage);
    this.frame = null;
    this.ready = false;
    this.held = [];
  }

  /** Page data from the relay. */
  events(frame: CobrowseEventsFrame): void {
    if (this.ready) {
      this.post({ kind: 'events', frame });
      return;
    }
    if (startsFullBatch(frame)) {
      this.held = [frame];
      this.missed = false;
    } else if (this.held.length) {
      this.held.push(frame);
    } else {
      this.missed = true;
    }
  }

  /** The console joined again: the viewer waits for the fresh full batch on its way. */
  reset(): void {
    if (this.ready) this.post({ kind: 'reset' });
    else this.held = [];
  }

  /** Chooses the agent's tool. */
  setTool(tool: ViewerTool): void {
    this.tool = tool;
    if (this.ready) this.post({ kind: 'tool', tool });
  }

  private post(message: ToViewerMessage): void {
    const target = this.frame?.contentWindow;
    const origin = this.frame?.ownerDocument.defaultView?.location.origin;
    if (target && origin) target.postMessage(message, origin);
  }

  private receive(event: MessageEvent): void {
    const frame = this.frame;
    const origin = frame?.ownerDocument.defaultView?.location.origin;
    if (!frame || event.origin !== origin || event.source !== frame.contentWindow) return;
    const message = readFromViewer(event.data);
    if (!message) return;
    switch (message.kind) {
      case 'ready':
        this.viewerOnReady();
        break;
      case 'resync':
        this.handlers.onResync();
        break;
      case 'page':
        this.handlers.onPage(message);
        break;
      case 'pointer':
        this.handlers.onPointer(message);
        break;
      case 'control':
        this.handlers.onControl(message);
        break;
    }
  }

  private viewerOnReady(): void {
    // A second `ready` is a reloaded viewer: it starts empty in the middle of the stream.
    const reloaded = this.ready;
    this.ready = true;
    this.post({ kind: 'tool', tool: this.tool });
    const held = this.held;
    this.held = [];
    for (const frame of held) this.post({ kind: 'events', frame });
    if (reloaded || (this.missed && held.length === 0)) this.handlers.onResync();
    this.missed = false;
  }
}
