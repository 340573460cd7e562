/**
 * Finding what the agent points at in the mirror: the element under a point of the viewer, its
 * rrweb node id and where in its box the point lies; and which element a wheel turn scrolls.
 * Everything the visitor's page acts on is named by node id, so it holds across the two DOMs.
 */
import { canScroll, fractionsIn, toMirrorPoint, type Box, type Point } from './geometry.js';
import type { MirrorView } from './mirror-host.js';

/** An element of the mirror under the agent's pointer. */
export interface MirrorHit {
  el: Element;
  node: number;
  /** Fractions 0..1 of the element's box. */
  x: number;
  y: number;
  /** The element's box in the mirror's viewport. */
  box: Box;
}

/** What a wheel turn scrolls: an element, or the page (the document's node id). */
export interface ScrollTarget {
  node: number;
  /** Null for the page itself. */
  el: Element | null;
  left: number;
  top: number;
  maxLeft: number;
  maxTop: number;
}

/** The mirror frame's box on screen and its unscaled size. */
export function frameGeometry(view: MirrorView): { frame: Box; layout: { width: number; height: number } } {
  const r = view.iframe.getBoundingClientRect();
  return {
    frame: { left: r.left, top: r.top, width: r.width, height: r.height },
    layout: { width: view.iframe.clientWidth, height: view.iframe.clientHeight },
  };
}

/** The point of the mirror's viewport under a point of the viewer, or null outside it. */
export function mirrorPointAt(view: MirrorView, client: Point): Point | null {
  const { frame, layout } = frameGeometry(view);
  return toMirrorPoint(client, frame, layout);
}

/** The nearest element at or above `el` that the recorder numbered. */
function numbered(view: MirrorView, el: Element | null): { el: Element; node: number } | null {
  for (let e = el; e; e = e.parentElement) {
    const node = view.idOf(e);
    if (node >= 1) return { el: e, node };
  }
  return null;
}

/** The element under a point of the viewer, or null. */
export function hitAt(view: MirrorView, client: Point): MirrorHit | null {
  const point = mirrorPointAt(view, client);
  if (!point) return null;
  const found = numbered(view, view.doc.elementFromPoint(point.x, point.y));
  if (!found) return null;
  const r = found.el.getBoundingClientRect();
  const box = { left: r.left, top: r.top, width: r.width, height: r.height };
  const f = fractionsIn(point, box);
  return { el: found.el, node: found.node, x: f.x, y: f.y, box };
}

const SCROLLABLE = /^(auto|scroll|overlay)$/;

/** What a wheel turn of `delta` (mirror pixels) over `el` scrolls, or null when nothing can move. */
export function scrollTargetFor(view: MirrorView, el: Element, delta: Point): ScrollTarget | null {
  const { doc, win } = view;
  for (let e: Element | null = el; e && e !== doc.documentElement && e !== doc.body; e = e.parentElement) {
    const style = win.getComputedStyle(e);
    const maxTop = e.scrollHeight - e.clientHeight;
    const maxLeft = e.scrollWidth - e.clientWidth;
    const y = SCROLLABLE.test(style.overflowY) && canScroll(e.scrollTop, delta.y, maxTop);
    const x = SCROLLABLE.test(style.overflowX) && canScroll(e.scrollLeft, delta.x, maxLeft);
    if (!x && !y) continue;
    const node = view.idOf(e);
    if (node >= 1) return { node, el: e, left: e.scrollLeft, top: e.scrollTop, maxLeft, maxTop };
  }
  const node = view.idOf(doc);
  const scroller = doc.scrollingElement ?? doc.documentElement;
  if (node < 1 || !scroller) return null;
  const maxTop = scroller.scrollHeight - win.innerHeight;
  const maxLeft = scroller.scrollWidth - win.innerWidth;
  if (!canScroll(win.scrollY, delta.y, maxTop) && !canScroll(win.scrollX, delta.x, maxLeft)) return null;
  return { node, el: null, left: win.scrollX, top: win.scrollY, maxLeft, maxTop };
}
