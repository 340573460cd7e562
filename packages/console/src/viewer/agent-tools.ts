/**
 * The agent's tools over the mirror, on a transparent overlay: `pointer` follows the agent's
 * mouse (a few times a second), `highlight` marks the clicked element, `control` clicks,
 * scrolls and types on the visitor's page. Each becomes a message to the console, which turns it
 * into a frame for the visitor's browser, anchored to rrweb node ids.
 */
import { Throttle } from '../throttle.js';
import { scrollTo, toViewerBox, wheelDelta } from './geometry.js';
import type { FromViewerMessage, ViewerTool } from './messages.js';
import type { MirrorView } from './mirror-host.js';
import { frameGeometry, hitAt, scrollTargetFor, type MirrorHit } from './mirror-hit.js';
import { isTextField, TypeBox } from './type-box.js';

/** How often the pointer position is posted, in milliseconds. */
export const POINTER_EVERY_MS = 80;
/** How often a scroll target is posted while the wheel turns, in milliseconds. */
export const SCROLL_EVERY_MS = 60;
/** How long the agent's own highlight mark stays in the viewer, in milliseconds. */
const MARK_MS = 3000;

/** What the tools need from the viewer. */
export interface AgentToolsOptions {
  overlay: HTMLElement;
  view(): MirrorView | null;
  post(message: FromViewerMessage): void;
}

type ScrollMessage = Extract<FromViewerMessage, { kind: 'control' }>;

/** The tools of one viewer. */
export class AgentTools {
  private readonly options: AgentToolsOptions;
  private readonly overlay: HTMLElement;
  private readonly typeBox: TypeBox;
  private readonly pointer: Throttle<{ x: number; y: number }>;
  private readonly scroll: Throttle<ScrollMessage>;
  private tool: ViewerTool = 'none';

  constructor(options: AgentToolsOptions) {
    this.options = options;
    this.overlay = options.overlay;
    const doc = this.overlay.ownerDocument;
    this.typeBox = new TypeBox(doc, (node, value) => options.post({ kind: 'control', action: 'input', node, value }));
    this.pointer = new Throttle(POINTER_EVERY_MS, (at) => this.pointAt(at));
    this.scroll = new Throttle(SCROLL_EVERY_MS, (message) => options.post(message));
    this.overlay.dataset.tool = this.tool;
    this.overlay.addEventListener('mousemove', (event) => this.overlayOnMouseMove(event));
    this.overlay.addEventListener('click', (event) => this.overlayOnClick(event));
    this.overlay.addEventListener('wheel', (event) => this.overlayOnWheel(event), { passive: false });
  }

  /** Switches the tool (the console's toolbar decides). */
  setTool(tool: ViewerTool): void {
    if (tool === this.tool) return;
    this.tool = tool;
    this.overlay.dataset.tool = tool;
    this.pointer.cancel();
    this.scroll.flush();
    if (tool !== 'control') this.typeBox.close();
  }

  /** The picture changed under the tools: an open text box no longer matches it. */
  pictureChanged(): void {
    this.typeBox.close();
  }

  private hit(event: MouseEvent): { view: MirrorView; hit: MirrorHit } | null {
    const view = this.options.view();
    if (!view) return null;
    const hit = hitAt(view, { x: event.clientX, y: event.clientY });
    return hit ? { view, hit } : null;
  }

  private overlayOnMouseMove(event: MouseEvent): void {
    if (this.tool === 'pointer') this.pointer.push({ x: event.clientX, y: event.clientY });
  }

  private pointAt(at: { x: number; y: number }): void {
    if (this.tool !== 'pointer') return;
    const view = this.options.view();
    const hit = view && hitAt(view, at);
    if (hit) this.options.post({ kind: 'pointer', pointer: 'pointer', node: hit.node, x: hit.x, y: hit.y });
  }

  private overlayOnClick(event: MouseEvent): void {
    if (this.tool !== 'highlight' && this.tool !== 'control') return;
    event.preventDefault();
    const found = this.hit(event);
    if (!found) return;
    const { view, hit } = found;
    if (this.tool === 'highlight') {
      this.options.post({ kind: 'pointer', pointer: 'highlight', node: hit.node, x: hit.x, y: hit.y });
      this.mark(view, hit);
      return;
    }
    this.options.post({ kind: 'control', action: 'click', node: hit.node, x: hit.x, y: hit.y });
    if (isTextField(hit.el)) {
      const { frame, layout } = frameGeometry(view);
      this.typeBox.show(hit.el, hit.node, toViewerBox(hit.box, frame, layout));
    } else {
      this.typeBox.close();
    }
  }

  private overlayOnWheel(event: WheelEvent): void {
    if (this.tool !== 'control') return;
    event.preventDefault();
    // The field moves with the page; its box would be left behind.
    this.typeBox.close();
    const found = this.hit(event);
    if (!found) return;
    const { view, hit } = found;
    const { layout } = frameGeometry(view);
    const delta = wheelDelta(event, layout, view.scale);
    const target = scrollTargetFor(view, hit.el, delta);
    if (!target) return;
    const left = scrollTo(target.left, delta.x, target.maxLeft);
    const top = scrollTo(target.top, delta.y, target.maxTop);
    // Moved here at once, so the next turn adds to it; the visitor's own scroll event confirms it.
    if (target.el) target.el.scrollTo({ left, top });
    else view.win.scrollTo({ left, top });
    this.scroll.push({ kind: 'control', action: 'scroll', node: target.node, x: left, y: top });
  }

  /** Outlines the highlighted element in the viewer too, as the visitor sees it. */
  private mark(view: MirrorView, hit: MirrorHit): void {
    const { frame, layout } = frameGeometry(view);
    const box = toViewerBox(hit.box, frame, layout);
    const mark = this.overlay.ownerDocument.createElement('div');
    mark.className = 'pv-mark';
    mark.style.left = `${box.left}px`;
    mark.style.top = `${box.top}px`;
    mark.style.width = `${box.width}px`;
    mark.style.height = `${box.height}px`;
    this.overlay.appendChild(mark);
    setTimeout(() => mark.remove(), MARK_MS);
  }
}
