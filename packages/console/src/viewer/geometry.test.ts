import { describe, expect, it } from 'vitest';
import { canScroll, fitInto, fractionsIn, LINE_PX, MAX_FIT_SCALE, scrollTo, toMirrorPoint, toViewerBox, wheelDelta } from './geometry.js';

describe('fitInto', () => {
  it('scales the visitor’s viewport down to fit, at the top', () => {
    expect(fitInto({ width: 640, height: 600 }, { width: 1280, height: 720 })).toEqual({ scale: 0.5, left: 0, top: 0 });
  });

  it('centres a narrower viewport across', () => {
    expect(fitInto({ width: 1000, height: 700 }, { width: 390, height: 700 })).toEqual({ scale: 1, left: 305, top: 0 });
  });

  it('enlarges a small viewport at most twice', () => {
    expect(fitInto({ width: 1600, height: 1600 }, { width: 390, height: 700 }).scale).toBe(MAX_FIT_SCALE);
  });

  it('falls back to no scaling for empty sizes', () => {
    expect(fitInto({ width: 0, height: 500 }, { width: 1280, height: 720 })).toEqual({ scale: 1, left: 0, top: 0 });
  });
});

describe('toMirrorPoint', () => {
  const frame = { left: 100, top: 50, width: 640, height: 360 };
  const layout = { width: 1280, height: 720 };

  it('unscales a viewer point into the visitor’s CSS pixels', () => {
    expect(toMirrorPoint({ x: 420, y: 230 }, frame, layout)).toEqual({ x: 640, y: 360 });
    expect(toMirrorPoint({ x: 100, y: 50 }, frame, layout)).toEqual({ x: 0, y: 0 });
  });

  it('is null outside the mirror', () => {
    expect(toMirrorPoint({ x: 99, y: 60 }, frame, layout)).toBeNull();
    expect(toMirrorPoint({ x: 740, y: 60 }, frame, layout)).toBeNull();
  });

  it('is the inverse of toViewerBox', () => {
    const box = toViewerBox({ left: 200, top: 100, width: 80, height: 40 }, frame, layout);
    expect(box).toEqual({ left: 200, top: 100, width: 40, height: 20 });
    expect(toMirrorPoint({ x: box.left, y: box.top }, frame, layout)).toEqual({ x: 200, y: 100 });
  });
});

describe('fractionsIn', () => {
  it('gives where a point lies in a box, clamped to 0..1', () => {
    const box = { left: 10, top: 20, width: 100, height: 50 };
    expect(fractionsIn({ x: 35, y: 45 }, box)).toEqual({ x: 0.25, y: 0.5 });
    expect(fractionsIn({ x: 500, y: -5 }, box)).toEqual({ x: 1, y: 0 });
  });

  it('uses the centre of an empty box', () => {
    expect(fractionsIn({ x: 3, y: 3 }, { left: 0, top: 0, width: 0, height: 0 })).toEqual({ x: 0.5, y: 0.5 });
  });
});

describe('wheelDelta', () => {
  const page = { width: 1280, height: 720 };

  it('turns lines and pages into pixels', () => {
    expect(wheelDelta({ deltaX: 0, deltaY: 3, deltaMode: 1 }, page, 1)).toEqual({ x: 0, y: 3 * LINE_PX });
    expect(wheelDelta({ deltaX: 1, deltaY: 0, deltaMode: 2 }, page, 1)).toEqual({ x: 1280, y: 0 });
  });

  it('divides by the mirror’s scale so the page follows the wheel on screen', () => {
    expect(wheelDelta({ deltaX: 0, deltaY: 100, deltaMode: 0 }, page, 0.5)).toEqual({ x: 0, y: 200 });
  });
});

describe('scrollTo', () => {
  it('moves within 0..max in whole pixels', () => {
    expect(scrollTo(100, 50.4, 1000)).toBe(150);
    expect(scrollTo(100, -500, 1000)).toBe(0);
    expect(scrollTo(900, 500, 1000)).toBe(1000);
    expect(scrollTo(0, 10, -5)).toBe(0);
  });
});

describe('canScroll', () => {
  it('is true only when the offset has room in the wheel’s direction', () => {
    expect(canScroll(0, 10, 100)).toBe(true);
    expect(canScroll(100, 10, 100)).toBe(false);
    expect(canScroll(0, -10, 100)).toBe(false);
    expect(canScroll(50, 0, 100)).toBe(false);
  });
});
