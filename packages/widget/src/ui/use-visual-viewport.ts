/**
 * Keeps the widget on the visual viewport, the part of the page the visitor actually sees. On
 * a phone it can be smaller than the layout viewport that `position: fixed` places things in: a
 * page wider than the screen stretches the layout viewport (a 390 px phone with one 420 px
 * banner lays out about 430 x 930), and pinch zoom or the on-screen keyboard shrink the visual
 * one. The widget's root covers exactly the visual viewport; launcher and panel sit inside it.
 */
import type { RefObject } from 'preact';
import { useLayoutEffect } from 'preact/hooks';

/** Sets `--vl`, `--vt`, `--vw`, `--vh` on `ref`'s element to the visual viewport, live. */
export function useVisualViewport(ref: RefObject<HTMLElement>): void {
  useLayoutEffect(() => {
    const viewport = window.visualViewport;
    const style = ref.current?.style;
    if (!viewport || !style) return;
    // CSSOM, not a style attribute: allowed under a strict Content-Security-Policy.
    const viewportOnChange = () => {
      style.setProperty('--vl', `${viewport.offsetLeft}px`);
      style.setProperty('--vt', `${viewport.offsetTop}px`);
      style.setProperty('--vw', `${viewport.width}px`);
      style.setProperty('--vh', `${viewport.height}px`);
    };
    viewportOnChange();
    viewport.addEventListener('resize', viewportOnChange);
    viewport.addEventListener('scroll', viewportOnChange);
    return () => {
      viewport.removeEventListener('resize', viewportOnChange);
      viewport.removeEventListener('scroll', viewportOnChange);
    };
  }, []);
}
