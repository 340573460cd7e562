/**
 * The tab's co-browse id, kept in sessionStorage (one per tab, gone with the tab) so a tab that
 * was sharing is found again after a full page load. Written only when the visitor agrees to
 * share; read by every hello.
 */
import { nanoid } from 'nanoid';

function key(siteKey: string): string {
  return `parley:${siteKey}:tab`;
}

/** This tab's id, or null when the visitor never shared from it. */
export function readTab(siteKey: string): string | null {
  try {
    return sessionStorage.getItem(key(siteKey));
  } catch {
    // Sandboxed iframes and some privacy modes throw on mere access.
    return null;
  }
}

/** This tab's id, created and stored if needed (`store` false: never written, for a refusal). */
export function tabId(siteKey: string, store: boolean): string {
  const id = readTab(siteKey) ?? nanoid();
  try {
    if (store) sessionStorage.setItem(key(siteKey), id);
  } catch {
    // Without storage, sharing still works; it just does not resume after a page load.
  }
  return id;
}
