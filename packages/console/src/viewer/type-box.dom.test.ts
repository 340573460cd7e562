import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COBROWSE_MASK } from '@parley/protocol';
import { isTextField, TYPE_DEBOUNCE_MS, TypeBox } from './type-box.js';

const AT = { left: 40, top: 100, width: 240, height: 24 };
let sent: Array<[number, string]>;
let box: TypeBox;

function field(html: string): HTMLInputElement | HTMLTextAreaElement {
  const host = document.createElement('div');
  host.innerHTML = html;
  return host.firstElementChild as HTMLInputElement | HTMLTextAreaElement;
}

const open = () => document.querySelector<HTMLInputElement | HTMLTextAreaElement>('.pv-type');

beforeEach(() => {
  vi.useFakeTimers();
  sent = [];
  box = new TypeBox(document, (node, value) => sent.push([node, value]));
});

afterEach(() => {
  box.close();
  vi.useRealTimers();
});

describe('isTextField', () => {
  it('takes text inputs and text areas, not passwords, buttons or disabled fields', () => {
    expect(isTextField(field('<input>'))).toBe(true);
    expect(isTextField(field('<input type="email">'))).toBe(true);
    expect(isTextField(field('<textarea></textarea>'))).toBe(true);
    expect(isTextField(field('<input type="password">'))).toBe(false);
    expect(isTextField(field('<input type="checkbox">'))).toBe(false);
    expect(isTextField(field('<input disabled>'))).toBe(false);
    expect(isTextField(document.createElement('div'))).toBe(false);
  });
});

describe('TypeBox', () => {
  it('opens under the field with its value and sends the new value once typing pauses', () => {
    const input = field('<input value="SAVE">');
    input.value = 'SAVE';
    box.show(input, 16, AT);
    const el = open()!;
    expect(el.getAttribute('aria-label')).toBe("Type into the visitor's field");
    expect(el.value).toBe('SAVE');
    expect(document.activeElement).toBe(el);
    el.value = 'SAVE1';
    el.dispatchEvent(new Event('input'));
    el.value = 'SAVE10';
    el.dispatchEvent(new Event('input'));
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(TYPE_DEBOUNCE_MS);
    expect(sent).toEqual([[16, 'SAVE10']]);
  });

  it('sends what is pending when it closes on Enter, and a text area keeps Enter for new lines', () => {
    box.show(field('<input>'), 5, AT);
    const el = open()!;
    el.value = 'abc';
    el.dispatchEvent(new Event('input'));
    el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    expect(sent).toEqual([[5, 'abc']]);
    expect(open()).toBeNull();

    box.show(field('<textarea></textarea>'), 6, AT);
    open()!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    expect(open()!.tagName).toBe('TEXTAREA');
    open()!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    expect(open()).toBeNull();
  });

  it('stays read-only and sends nothing for a field whose value is masked', () => {
    const input = field('<input>') as HTMLInputElement;
    input.value = COBROWSE_MASK;
    box.show(input, 9, AT);
    const el = open()!;
    expect(el.readOnly).toBe(true);
    expect(el.value).toBe('');
    el.dispatchEvent(new Event('input'));
    vi.advanceTimersByTime(TYPE_DEBOUNCE_MS);
    expect(sent).toEqual([]);
  });
});
