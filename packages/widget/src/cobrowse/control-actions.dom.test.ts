import type { CobrowseControlFrame } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runControl } from './control-actions.js';
import { PageNodes } from '../testing/page-nodes.js';

const page = new PageNodes();
const { find } = page;
const add = (id: number, html: string) => page.add(id, html);
const unmask = ['#plan', '.public'];

function control(action: CobrowseControlFrame['action'], node: number, extra: Partial<CobrowseControlFrame> = {}): boolean {
  return runControl({ type: 'cobrowse.control', conversationId: 'c1', action, node, ...extra }, find, unmask);
}

beforeEach(() => {
  page.set(1, document);
});

afterEach(() => page.clear());

describe('runControl', () => {
  it('types into an unmasked field through the native setter, with input and change events', () => {
    const plan = add(2, '<input id="plan">') as HTMLInputElement;
    const heard: string[] = [];
    plan.addEventListener('input', () => heard.push(`input:${plan.value}`));
    plan.addEventListener('change', () => heard.push(`change:${plan.value}`));
    expect(control('input', 2, { value: 'Team' })).toBe(true);
    expect(plan.value).toBe('Team');
    expect(heard).toEqual(['input:Team', 'change:Team']);
    const note = add(3, '<textarea class="public"></textarea>') as HTMLTextAreaElement;
    expect(control('input', 3, { value: 'two\nlines' })).toBe(true);
    expect(note.value).toBe('two\nlines');
  });

  it('refuses to type into masked, password, hidden, read-only or non-text fields', () => {
    const fields = [
      add(2, '<input id="card">'),
      add(3, '<input type="password" class="public">'),
      add(4, '<input type="hidden" class="public">'),
      add(5, '<input class="public" readonly>'),
      add(6, '<div class="public" contenteditable="true"></div>'),
    ];
    for (const id of [2, 3, 4, 5, 6]) expect(control('input', id, { value: 'typed by agent' })).toBe(false);
    for (const f of fields) expect((f as HTMLInputElement).value ?? '').not.toBe('typed by agent');
  });

  it('clicks like a pointer: press, focus, release, click, at the given point', () => {
    const target = add(2, '<button type="button">Buy</button>');
    const heard: string[] = [];
    for (const type of ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click', 'focus']) {
      target.addEventListener(type, (event) => heard.push(event.type));
    }
    let clicked: MouseEvent | null = null;
    target.addEventListener('click', (event) => (clicked = event));
    expect(control('click', 2, { x: 0.5, y: 0.5 })).toBe(true);
    expect(heard).toEqual(['pointerdown', 'mousedown', 'focus', 'pointerup', 'mouseup', 'click']);
    expect(clicked!.bubbles).toBe(true);
    expect(document.activeElement).toBe(target);
  });

  it('scrolls the page for the document node and an element for its own node', () => {
    const scrolled: unknown[] = [];
    const original = window.scrollTo;
    window.scrollTo = ((options: ScrollToOptions) => void scrolled.push(options)) as typeof window.scrollTo;
    try {
      expect(control('scroll', 1, { x: 0, y: 640 })).toBe(true);
    } finally {
      window.scrollTo = original;
    }
    expect(scrolled).toEqual([{ left: 0, top: 640 }]);
    const list = add(2, '<div></div>');
    let to: unknown = null;
    list.scrollTo = ((options: ScrollToOptions) => void (to = options)) as typeof list.scrollTo;
    expect(control('scroll', 2, { x: 10, y: 200 })).toBe(true);
    expect(to).toEqual({ left: 10, top: 200 });
  });

  it('never acts inside a private element or the widget, which the agent cannot see', () => {
    let clicks = 0;
    const card = add(2, '<div data-parley-private><button>Pay</button><input class="public"></div>');
    const widget = add(3, '<div data-parley-widget><button>Stop sharing</button></div>');
    for (const button of [card.querySelector('button')!, widget.querySelector('button')!]) button.addEventListener('click', () => clicks++);
    page.set(4, card.querySelector('button')!);
    page.set(5, card.querySelector('input')!);
    page.set(6, widget.querySelector('button')!);
    expect([control('click', 4), control('input', 5, { value: 'x' }), control('click', 6), control('click', 3)]).toEqual([false, false, false, false]);
    expect(clicks).toBe(0);
    expect(card.querySelector('input')!.value).toBe('');
  });

  it('ignores nodes that are not on the page', () => {
    expect(control('click', 99)).toBe(false);
    expect(control('input', 99, { value: 'x' })).toBe(false);
  });
});
