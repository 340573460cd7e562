/**
 * Remote control: runs an agent's click, scroll or typing on the visitor's page, only where the
 * visitor could see the agent could act. Typing goes only into fields agents may see (named in
 * `cobrowse.unmask`, never passwords or hidden inputs), so control never reveals or edits a value
 * the agent was not shown. Nothing inside a private element or the widget is acted on: the
 * agent never saw it. Actions on nodes no longer on the page are ignored.
 */
import type { CobrowseControlFrame } from '@parley/protocol';
import { anchorElement, anchorPoint } from './anchor.js';
import { isMaskedField } from './masking.js';
import { BLOCK_SELECTOR } from './record-options.js';

type TextField = HTMLInputElement | HTMLTextAreaElement;

function isTextField(element: Element): element is TextField {
  return element.tagName === 'INPUT' || element.tagName === 'TEXTAREA';
}

/** Clicks like a pointer would: the press and release events at the point, focus, then `click`. */
function click(element: Element, frame: CobrowseControlFrame): void {
  const point = anchorPoint(element.getBoundingClientRect(), frame.x ?? 0.5, frame.y ?? 0.5);
  const init = {
    bubbles: true,
    cancelable: true,
    composed: true,
    view: window,
    button: 0,
    clientX: point.left,
    clientY: point.top,
  };
  const pointer = typeof PointerEvent === 'function' ? PointerEvent : MouseEvent;
  element.dispatchEvent(new pointer('pointerdown', { ...init, pointerId: 1, isPrimary: true, buttons: 1 }));
  element.dispatchEvent(new MouseEvent('mousedown', { ...init, buttons: 1 }));
  (element as HTMLElement).focus?.();
  element.dispatchEvent(new pointer('pointerup', { ...init, pointerId: 1, isPrimary: true }));
  element.dispatchEvent(new MouseEvent('mouseup', init));
  element.dispatchEvent(new MouseEvent('click', init));
}

/**
 * Types a value the way frameworks notice: through the prototype's own `value` setter (React
 * and others watch the instance's), then `input` and `change` events.
 */
function type(field: TextField, value: string): void {
  const proto = field.tagName === 'INPUT' ? HTMLInputElement.prototype : HTMLTextAreaElement.prototype;
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  if (setter) setter.call(field, value);
  else field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  field.dispatchEvent(new Event('change', { bubbles: true }));
}

/**
 * Runs one control action on the node `find` resolves; returns whether anything was done.
 * `unmask` is the site's list of fields agents may see (and so type into).
 */
export function runControl(frame: CobrowseControlFrame, find: (id: number) => Node | null, unmask: readonly string[]): boolean {
  const node = find(frame.node);
  const element = anchorElement(node);
  if (!node || !element || element.closest(BLOCK_SELECTOR)) return false;
  switch (frame.action) {
    case 'click':
      click(element, frame);
      return true;
    case 'scroll': {
      const to = { left: frame.x ?? 0, top: frame.y ?? 0 };
      if (node.nodeType === 9 || element === document.documentElement || element === document.body) window.scrollTo(to);
      else element.scrollTo(to);
      return true;
    }
    case 'input': {
      if (typeof frame.value !== 'string' || !isTextField(element)) return false;
      if (element.disabled || element.readOnly || isMaskedField(element, unmask)) return false;
      element.focus();
      type(element, frame.value);
      return true;
    }
    default:
      return false;
  }
}
