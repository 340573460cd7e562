import type { CobrowsePointerFrame } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PointerLayer, POINTER_SHOW_MS } from './pointer-layer.js';

let root: ShadowRoot;
let target: HTMLElement;
let layer: PointerLayer;

function point(kind: CobrowsePointerFrame['kind'], node = 7, x = 0.25, y = 0.5): void {
  layer.show({ type: 'cobrowse.pointer', conversationId: 'c1', kind, node, x, y, agentName: 'Mina' });
}

const mark = (kind: string) => root.querySelector<HTMLElement>(`[data-parley-pointer="${kind}"]`);

beforeEach(() => {
  vi.useFakeTimers();
  const host = document.createElement('div');
  document.body.appendChild(host);
  root = host.attachShadow({ mode: 'open' });
  const overlay = document.createElement('div');
  overlay.className = 'cb-layer';
  root.appendChild(overlay);
  target = document.createElement('button');
  document.body.appendChild(target);
  target.getBoundingClientRect = () => ({ left: 100, top: 40, width: 200, height: 60, right: 300, bottom: 100, x: 100, y: 40 }) as DOMRect;
  layer = new PointerLayer(overlay, (id) => (id === 7 ? target : null));
});

afterEach(() => {
  layer.stop();
  document.body.innerHTML = '';
  vi.useRealTimers();
});

describe('PointerLayer', () => {
  it('draws the pointer with the agent name, its corner at the pointed spot of the element', () => {
    point('pointer');
    const pointer = mark('pointer')!;
    expect(pointer.textContent).toBe('Mina');
    expect([pointer.style.left, pointer.style.top]).toEqual(['150px', '70px']);
    expect(pointer.parentElement!.className).toBe('cb-layer');
  });

  it('draws the highlight over the element box', () => {
    point('highlight');
    const box = mark('highlight')!;
    expect([box.style.left, box.style.top, box.style.width, box.style.height]).toEqual(['100px', '40px', '200px', '60px']);
  });

  it('follows the element when it moves', () => {
    point('pointer');
    target.getBoundingClientRect = () => ({ left: 100, top: -460, width: 200, height: 60 }) as DOMRect;
    vi.advanceTimersByTime(50);
    expect(mark('pointer')!.style.top).toBe('-430px');
  });

  it('fades out and goes away after a few seconds, unless pointed again', () => {
    point('pointer');
    vi.advanceTimersByTime(POINTER_SHOW_MS - 100);
    expect(mark('pointer')!.classList.contains('fade')).toBe(true);
    point('pointer', 7, 1, 1);
    expect(mark('pointer')!.classList.contains('fade')).toBe(false);
    vi.advanceTimersByTime(POINTER_SHOW_MS - 1);
    expect(mark('pointer')).not.toBeNull();
    vi.advanceTimersByTime(1);
    expect(mark('pointer')).toBeNull();
  });

  it('ignores nodes it cannot find and removes everything on stop', () => {
    point('pointer', 99);
    expect(mark('pointer')).toBeNull();
    point('highlight');
    const sheets = root.adoptedStyleSheets.length;
    layer.stop();
    expect(root.querySelector('.cb-layer')!.childElementCount).toBe(0);
    expect(root.adoptedStyleSheets.length).toBe(sheets - 1);
  });
});
