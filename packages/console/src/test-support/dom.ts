import { render } from 'preact';
import { afterEach, beforeEach } from 'vitest';

/**
 * Just enough accessible-name lookup for happy-dom component tests: find controls the way an
 * agent's screen reader (and the end-to-end tests) name them.
 */

const IMPLICIT_ROLES: Record<string, string> = {
  BUTTON: 'button',
  TEXTAREA: 'textbox',
  NAV: 'navigation',
  A: 'link',
  MAIN: 'main',
  FORM: 'form',
};

/** The element's role: explicit `role`, else the implicit one of its tag. */
export function roleOf(el: Element): string | null {
  const explicit = el.getAttribute('role');
  if (explicit) return explicit;
  if (el.tagName === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return type === 'email' || type === 'text' || type === 'password' || type === '' ? 'textbox' : type;
  }
  if (el.tagName === 'SECTION') return el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby') ? 'region' : null;
  if (el.tagName === 'A') return el.hasAttribute('href') ? 'link' : null;
  return IMPLICIT_ROLES[el.tagName] ?? null;
}

function text(el: Element): string {
  return (el.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** A simplified accessible name: aria-labelledby, aria-label, label, then text content. */
export function nameOf(el: Element): string {
  const doc = el.ownerDocument;
  const labelledBy = el.getAttribute('aria-labelledby');
  if (labelledBy) return labelledBy.split(/\s+/).map((id) => text(doc.getElementById(id)!)).join(' ');
  const label = el.getAttribute('aria-label');
  if (label) return label.trim();
  if (el.id) {
    const forLabel = doc.querySelector(`label[for="${el.id}"]`);
    if (forLabel) return text(forLabel);
  }
  const wrapping = el.closest('label');
  if (wrapping) {
    // The label's text minus the control's own value.
    const span = wrapping.querySelector('span');
    return span ? text(span) : text(wrapping);
  }
  if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') return '';
  return text(el);
}

/** Every element of `role` whose name matches (exactly for a string). */
export function allByRole(root: ParentNode, role: string, name?: string | RegExp): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('*')].filter((el) => {
    if (roleOf(el) !== role) return false;
    if (name === undefined) return true;
    const n = nameOf(el);
    return typeof name === 'string' ? n === name : name.test(n);
  });
}

/** The one element of `role` and `name`; throws when there is none or several. */
export function byRole(root: ParentNode, role: string, name?: string | RegExp): HTMLElement {
  const found = allByRole(root, role, name);
  if (found.length !== 1) throw new Error(`expected one ${role} named ${String(name)}, found ${found.length}`);
  return found[0]!;
}

/** Sets a field's value and fires `input`, as typing does. */
export function typeInto(el: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

/** Presses a key on `el`. */
export function press(el: Element, key: string, init: KeyboardEventInit = {}): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
  el.dispatchEvent(event);
  return event;
}

/**
 * A fresh element in the document for each test of the calling file, unmounted and removed
 * after it. Returns the accessor for the current test's element.
 */
export function useRenderRoot(): () => HTMLElement {
  let root: HTMLElement;
  beforeEach(() => {
    root = document.createElement('div');
    document.body.appendChild(root);
  });
  afterEach(() => {
    render(null, root);
    root.remove();
  });
  return () => root;
}
