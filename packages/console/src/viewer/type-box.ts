/**
 * Remote typing: the mirror is an inert picture, so when the agent (with control) clicks a text
 * field of it, a small text box of the viewer opens under the field, holding the field's current
 * value; what the agent types there is sent as the field's new value, a moment after they pause.
 * A field the visitor's privacy settings mask shows only the mask, so its box stays read-only.
 */
import { COBROWSE_MASK, DEFAULT_LIMITS } from '@parley/protocol';
import type { Box } from './geometry.js';

/** How long typing pauses before the value is sent, in milliseconds. */
export const TYPE_DEBOUNCE_MS = 150;

/** Input types that take typed text (passwords are always masked, so never typed into). */
const TEXT_TYPES: ReadonlySet<string> = new Set(['', 'text', 'search', 'email', 'url', 'tel', 'number']);

/** A text field of the mirror (checked by tag: the mirror's elements belong to another window). */
export type MirrorField = HTMLInputElement | HTMLTextAreaElement;

/** True when `el` is a text field the agent may type into. */
export function isTextField(el: Element): el is MirrorField {
  if (el.tagName === 'TEXTAREA') return !(el as HTMLTextAreaElement).disabled;
  if (el.tagName !== 'INPUT') return false;
  const input = el as HTMLInputElement;
  return TEXT_TYPES.has((input.getAttribute('type') ?? '').toLowerCase()) && !input.disabled;
}

/** The floating text box of one viewer. */
export class TypeBox {
  private readonly doc: Document;
  private readonly send: (node: number, value: string) => void;
  private box: HTMLInputElement | HTMLTextAreaElement | null = null;
  private node = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(doc: Document, send: (node: number, value: string) => void) {
    this.doc = doc;
    this.send = send;
  }

  /** True while the box is open. */
  get open(): boolean {
    return this.box !== null;
  }

  /** Opens the box for the field `node`, shown at `at` (viewer pixels). */
  show(field: MirrorField, node: number, at: Box): void {
    this.close();
    const area = field.tagName === 'TEXTAREA';
    const box = this.doc.createElement(area ? 'textarea' : 'input');
    box.className = 'pv-type';
    box.setAttribute('aria-label', "Type into the visitor's field");
    box.maxLength = DEFAULT_LIMITS.maxTextLength;
    const masked = field.value === COBROWSE_MASK;
    if (masked) {
      box.readOnly = true;
      box.placeholder = 'This field is hidden from you';
    } else {
      box.value = field.value;
    }
    this.place(box, at);
    box.addEventListener('input', () => this.boxOnInput());
    box.addEventListener('keydown', (event) => this.boxOnKeydown(event as KeyboardEvent, area));
    box.addEventListener('blur', () => this.close());
    this.doc.body.appendChild(box);
    this.box = box;
    this.node = node;
    box.focus();
    if (!masked) box.select();
  }

  /** Sends what is pending and closes the box. */
  close(): void {
    const box = this.box;
    if (!box) return;
    this.flush();
    this.box = null;
    box.remove();
  }

  private place(box: HTMLElement, at: Box): void {
    const win = this.doc.defaultView;
    const height = win?.innerHeight ?? 0;
    const below = at.top + at.height + 4;
    // Under the field when it fits, else over it.
    const top = below + 44 > height ? Math.max(0, at.top - 44) : below;
    box.style.left = `${Math.max(0, at.left)}px`;
    box.style.top = `${top}px`;
    box.style.width = `${Math.max(180, at.width)}px`;
  }

  private boxOnInput(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), TYPE_DEBOUNCE_MS);
  }

  private boxOnKeydown(event: KeyboardEvent, area: boolean): void {
    if (event.key === 'Escape' || (event.key === 'Enter' && !area)) {
      event.preventDefault();
      this.close();
    }
  }

  private flush(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = null;
    if (this.box && !this.box.readOnly) this.send(this.node, this.box.value);
  }
}
