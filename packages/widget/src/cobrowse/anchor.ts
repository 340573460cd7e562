/**
 * Where an agent's pointer lands on the visitor's page: a point given as fractions of an
 * element's box, so it stays on the same spot of the element however the page scrolls or
 * reflows. Pure math, measured again on every animation frame while the pointer shows.
 */

/** A box in viewport coordinates (what `getBoundingClientRect` returns). */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

function fraction(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0.5;
}

/** The viewport point at fractions `x`, `y` (clamped to 0..1) of `box`. */
export function anchorPoint(box: Box, x: number, y: number): { left: number; top: number } {
  return { left: box.left + fraction(x) * box.width, top: box.top + fraction(y) * box.height };
}

/** The element a node id names, for drawing or acting: text goes to its parent, the document to its root element. */
export function anchorElement(node: Node | null): Element | null {
  if (!node) return null;
  if (node.nodeType === 9) return (node as Document).documentElement;
  if (node.nodeType === 1) return node as Element;
  return node.parentElement;
}
