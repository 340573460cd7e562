/**
 * The arithmetic between the viewer window and the mirror: fitting the visitor's viewport into
 * the viewer, turning a point on the scaled mirror back into the visitor's CSS pixels, fractions
 * of an element's box, and wheel deltas into scroll targets. Pure, so it is tested without a
 * browser.
 */

/** A rectangle as `getBoundingClientRect()` gives it. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A point. */
export interface Point {
  x: number;
  y: number;
}

/** How the mirror sits in the viewer: scaled by `scale` about its top-left corner, then moved to `left`, `top`. */
export interface Fit {
  scale: number;
  left: number;
  top: number;
}

/** Most the mirror is enlarged (a phone's viewport on a wide screen stays readable, not huge). */
export const MAX_FIT_SCALE = 2;

/**
 * Scales a `page` viewport to fit inside `view` (both in CSS pixels): centred across, and at the
 * top, next to the toolbar and the page's address, where the agent's eye already is.
 */
export function fitInto(view: { width: number; height: number }, page: { width: number; height: number }, maxScale = MAX_FIT_SCALE): Fit {
  if (page.width <= 0 || page.height <= 0 || view.width <= 0 || view.height <= 0) return { scale: 1, left: 0, top: 0 };
  const scale = Math.min(view.width / page.width, view.height / page.height, maxScale);
  return {
    scale,
    left: Math.max(0, (view.width - page.width * scale) / 2),
    top: 0,
  };
}

/**
 * The point in the mirror's viewport (the visitor's CSS pixels) under a point of the viewer,
 * given the mirror frame's on-screen box and its unscaled size; null outside the mirror.
 */
export function toMirrorPoint(client: Point, frame: Box, layout: { width: number; height: number }): Point | null {
  if (frame.width <= 0 || frame.height <= 0 || layout.width <= 0 || layout.height <= 0) return null;
  const x = ((client.x - frame.left) * layout.width) / frame.width;
  const y = ((client.y - frame.top) * layout.height) / frame.height;
  if (x < 0 || y < 0 || x >= layout.width || y >= layout.height) return null;
  return { x, y };
}

/** The inverse of `toMirrorPoint` for a box: where a mirror box shows in the viewer. */
export function toViewerBox(box: Box, frame: Box, layout: { width: number; height: number }): Box {
  const sx = layout.width > 0 ? frame.width / layout.width : 1;
  const sy = layout.height > 0 ? frame.height / layout.height : 1;
  return { left: frame.left + box.left * sx, top: frame.top + box.top * sy, width: box.width * sx, height: box.height * sy };
}

function unit(value: number): number {
  if (!Number.isFinite(value)) return 0.5;
  return Math.min(1, Math.max(0, value));
}

/** Where `point` lies in `box`, as fractions 0..1 of its width and height (the centre of an empty box). */
export function fractionsIn(point: Point, box: Box): Point {
  return {
    x: box.width > 0 ? unit((point.x - box.left) / box.width) : 0.5,
    y: box.height > 0 ? unit((point.y - box.top) / box.height) : 0.5,
  };
}

/** `WheelEvent.deltaMode` values. */
const DOM_DELTA_LINE = 1;
const DOM_DELTA_PAGE = 2;
/** Pixels per line when a wheel reports lines (what browsers use for a line of text). */
export const LINE_PX = 16;

/**
 * A wheel movement in the mirror's CSS pixels: lines and pages turned into pixels, then divided
 * by the mirror's scale so the page moves under the agent's pointer as far as the wheel says.
 */
export function wheelDelta(
  wheel: { deltaX: number; deltaY: number; deltaMode: number },
  page: { width: number; height: number },
  scale: number,
): Point {
  let { deltaX: x, deltaY: y } = wheel;
  if (wheel.deltaMode === DOM_DELTA_LINE) {
    x *= LINE_PX;
    y *= LINE_PX;
  } else if (wheel.deltaMode === DOM_DELTA_PAGE) {
    x *= page.width;
    y *= page.height;
  }
  const s = scale > 0 ? scale : 1;
  return { x: x / s, y: y / s };
}

/** A scroll offset moved by `delta`, kept within 0..max and rounded to whole pixels. */
export function scrollTo(current: number, delta: number, max: number): number {
  return Math.round(Math.min(Math.max(0, max), Math.max(0, current + delta)));
}

/** True when an offset at `current` (within 0..max) can move by `delta`. */
export function canScroll(current: number, delta: number, max: number): boolean {
  if (delta > 0) return current < max - 0.5;
  if (delta < 0) return current > 0.5;
  return false;
}
