import { describe, expect, it } from 'vitest';
import { anchorPoint } from './anchor.js';

describe('anchorPoint', () => {
  const box = { left: 100, top: 50, width: 200, height: 80 };

  it('places the point at fractions of the element box', () => {
    expect(anchorPoint(box, 0, 0)).toEqual({ left: 100, top: 50 });
    expect(anchorPoint(box, 0.25, 0.5)).toEqual({ left: 150, top: 90 });
    expect(anchorPoint(box, 1, 1)).toEqual({ left: 300, top: 130 });
  });

  it('follows the box when the page scrolls', () => {
    expect(anchorPoint({ ...box, top: box.top - 500 }, 0.5, 0.5)).toEqual({ left: 200, top: -410 });
  });

  it('keeps the point inside the box and centres it for nonsense fractions', () => {
    expect(anchorPoint(box, -1, 2)).toEqual({ left: 100, top: 130 });
    expect(anchorPoint(box, Number.NaN, Number.POSITIVE_INFINITY)).toEqual({ left: 200, top: 90 });
  });
});
