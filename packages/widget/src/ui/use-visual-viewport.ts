/**
 * Keeps the widget on the visual viewport, the part of the page the visitor actually sees. On
 * a phone it can be smaller than the layout viewport that `position: fixed` places things in: a
 * page wider than the screen stretches the layout viewport (a 390 px phone with one 420 px
 * banner lays out about 430 x 930), and pinch zoom or the on-screen keyboard shrink the visual
 * one. The four properties are set on the shadow host, so every element of the widget inherits
 * them (`all: initial` on `:host` leaves custom properties alone): the root with launcher and
 * panel, the co-browse sharing bar and frame, the floating call bar.
 */
import type { RefObject } from 'preact';
import { useLayoutEffect } from 'preact/hooks';

/** Sets `--vl`, `--vt`, `--vw`, `--vh` on the shadow host of `ref`'s element to the visual viewport, live. */
export function useVisualViewport(ref: RefObject<HTMLElement>): void {
  useLayoutEffect(() => {
    const viewport = window.visualViewport;
    const host = (ref.current?.getRootNode() as ShadowRoot | undefined)?.host as HTMLElement | undefined;
    const style = host?.style;
    if (!viewport || !style) return;
    // CSSOM, not a style attribute: allowed under a strict Content-Security-Policy. Important, so
    // that no page rule on the host can win over them.
    const viewportOnChange = () => {
      style.setProperty('--vl', `${viewport.offsetLeft}px`, 'important');
      style.setProperty('--vt', `${viewport.offsetTop}px`, 'important');
      style.setProperty('--vw', `${viewport.width}px`, 'important');
      style.setProperty('--vh', `${viewport.height}px`, 'important');
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
