/**
 * What agents may see of the visitor's fields, decided in the browser before anything is sent.
 * Every field value is replaced with the fixed-length `COBROWSE_MASK` (so not even a value's
 * length leaks) unless the site named the field in `cobrowse.unmask`; password and hidden inputs
 * are masked whatever the site says.
 */
import { COBROWSE_MASK } from '@parley/protocol';

/** Input types whose value is a visible label, not something the visitor typed. */
const LABEL_TYPES = new Set(['button', 'submit', 'reset', 'image']);

function matchesAny(element: Element, selectors: readonly string[]): boolean {
  return selectors.some((selector) => {
    try {
      return element.matches(selector);
    } catch {
      // A malformed selector from the site's options unmasks nothing.
      return false;
    }
  });
}

/** Whether an input is a password or hidden field (or was one: rrweb marks type switches). */
function isSecretInput(element: Element): boolean {
  if (element.tagName !== 'INPUT') return false;
  const type = (element as HTMLInputElement).type.toLowerCase();
  return type === 'password' || type === 'hidden' || element.hasAttribute('data-rr-is-password');
}

/** Whether the value of `element` stays hidden from agents. */
export function isMaskedField(element: Element, unmask: readonly string[]): boolean {
  return isSecretInput(element) || !matchesAny(element, unmask);
}

/**
 * rrweb's `maskInputFn`: the fixed mask for a masked field's value, the value itself for an
 * unmasked field or a button's label. An empty value stays empty: the agent may see that a field
 * is blank, never how much it holds.
 */
export function maskInputValue(unmask: readonly string[]) {
  return (text: string, element: HTMLElement): string => {
    if (!text) return '';
    if (element.tagName === 'INPUT' && LABEL_TYPES.has((element as HTMLInputElement).type.toLowerCase())) return text;
    return isMaskedField(element, unmask) ? COBROWSE_MASK : text;
  };
}

/** rrweb's `maskTextFn`: the fixed mask for text with anything but white space. */
export function maskText(text: string): string {
  return text.trim() ? COBROWSE_MASK : text;
}
