/**
 * Draws the agent's pointer and highlight on the visitor's page, in the widget's overlay element
 * (inside its shadow root) so the page's CSS cannot touch them and the recording never captures
 * them. Each mark is
 * anchored to an element and re-measured every animation frame while shown (it follows scroll,
 * layout and animation), then fades out after a few seconds.
 */
import type { CobrowsePointerFrame, CobrowsePointerKind } from '@parley/protocol';
import { anchorElement, anchorPoint } from './anchor.js';
import { POINTER_CSS } from './pointer-styles.js';

/** How long a mark shows, in milliseconds (the last `FADE_MS` of it fading). */
export const POINTER_SHOW_MS = 3000;
const FADE_MS = 400;
const SVG = 'http://www.w3.org/2000/svg';

interface Mark {
  element: HTMLElement;
  target: Element;
  x: number;
  y: number;
  fade: ReturnType<typeof setTimeout>;
  hide: ReturnType<typeof setTimeout>;
}

/** The pointer and highlight of the agents on this page. */
export class PointerLayer {
  private readonly _marks = new Map<CobrowsePointerKind, Mark>();
  private _sheet: CSSStyleSheet | null = null;
  private _frame = 0;

  /** `layer` is where marks go (null: nowhere); `find` resolves an rrweb node id on this page. */
  constructor(
    private readonly _layer: HTMLElement | null,
    private readonly _find: (id: number) => Node | null,
  ) {}

  /** Shows (or moves) a mark; nodes that are not on the page are ignored. */
  show(frame: CobrowsePointerFrame): void {
    const target = anchorElement(this._find(frame.node));
    const layer = target && this._ensureLayer();
    if (!target || !layer) return;
    const old = this._marks.get(frame.kind);
    if (old) {
      clearTimeout(old.fade);
      clearTimeout(old.hide);
    }
    const element = old?.element ?? this._create(frame.kind, layer);
    element.classList.remove('fade');
    if (frame.kind === 'pointer') element.lastElementChild!.textContent = frame.agentName || 'Agent';
    const mark: Mark = {
      element,
      target,
      x: frame.x,
      y: frame.y,
      fade: setTimeout(() => element.classList.add('fade'), POINTER_SHOW_MS - FADE_MS),
      hide: setTimeout(() => this._remove(frame.kind), POINTER_SHOW_MS),
    };
    this._marks.set(frame.kind, mark);
    this._place(frame.kind, mark);
    this._frame ||= requestAnimationFrame(this._tick);
  }

  /** Removes every mark and the stylesheet. */
  stop(): void {
    for (const kind of [...this._marks.keys()]) this._remove(kind);
    cancelAnimationFrame(this._frame);
    this._frame = 0;
    const root = this._layer?.getRootNode();
    if (this._sheet && root instanceof ShadowRoot) root.adoptedStyleSheets = root.adoptedStyleSheets.filter((s) => s !== this._sheet);
    this._sheet = null;
  }

  private readonly _tick = (): void => {
    this._frame = 0;
    if (!this._marks.size) return;
    for (const [kind, mark] of this._marks) this._place(kind, mark);
    this._frame = requestAnimationFrame(this._tick);
  };

  private _place(kind: CobrowsePointerKind, mark: Mark): void {
    const box = mark.target.getBoundingClientRect();
    const style = mark.element.style;
    // Hidden while the element is detached or not rendered, instead of pointing at the corner.
    mark.element.hidden = !mark.target.isConnected || (box.width === 0 && box.height === 0 && kind === 'highlight');
    if (kind === 'pointer') {
      const point = anchorPoint(box, mark.x, mark.y);
      style.left = `${point.left}px`;
      style.top = `${point.top}px`;
      return;
    }
    style.left = `${box.left}px`;
    style.top = `${box.top}px`;
    style.width = `${box.width}px`;
    style.height = `${box.height}px`;
  }

  private _create(kind: CobrowsePointerKind, layer: HTMLElement): HTMLElement {
    const element = document.createElement('div');
    element.setAttribute('data-parley-pointer', kind);
    if (kind === 'pointer') {
      const svg = document.createElementNS(SVG, 'svg');
      svg.setAttribute('viewBox', '0 0 24 24');
      svg.setAttribute('aria-hidden', 'true');
      const path = document.createElementNS(SVG, 'path');
      // An arrow whose tip is the box's top-left corner: the pointed point.
      path.setAttribute('d', 'M1 1l8 21 3-9 9-3z');
      svg.appendChild(path);
      element.append(svg, document.createElement('span'));
    }
    layer.appendChild(element);
    return element;
  }

  private _remove(kind: CobrowsePointerKind): void {
    const mark = this._marks.get(kind);
    if (!mark) return;
    clearTimeout(mark.fade);
    clearTimeout(mark.hide);
    mark.element.remove();
    this._marks.delete(kind);
  }

  /** The layer, with the marks' stylesheet adopted into its shadow root on first use. */
  private _ensureLayer(): HTMLElement | null {
    const layer = this._layer;
    const root = layer?.getRootNode();
    if (!this._sheet && root instanceof ShadowRoot && 'adoptedStyleSheets' in root && typeof CSSStyleSheet !== 'undefined') {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(POINTER_CSS);
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      this._sheet = sheet;
    }
    return layer;
  }
}
