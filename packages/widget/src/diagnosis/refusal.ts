/**
 * The console line for a page the relay refused, in a lazily loaded chunk: every page where the
 * widget works never downloads it, and a refusal means the relay is up to serve it. The browser
 * hides from a refused page which of the two causes it was (so that no stranger's page can tell
 * an existing site key from an unknown one); the line names both, with the fix for each, and
 * the relay's log names the one it was.
 */
import { PROTOCOL_VERSION } from '@parley/protocol';

/** What the line names. */
export interface Refusal {
  /** The relay's origin. */
  relay: string;
  /** The page's origin. */
  page: string;
  siteKey: string;
  /** `refused` (the answer was unreadable), or the relay's error code (also of a fatal socket close). */
  code: string;
}

/** The one line, as printed in the page's console. */
export function refusalLine({ relay, page, siteKey, code }: Refusal): string {
  if (code === 'version_mismatch') {
    return (
      `Parley: ${relay} speaks another protocol version than this widget (${PROTOCOL_VERSION}): the page loads a widget ` +
      `older or newer than the relay. Load ${relay}/parley.js as the install snippet does, not a cached, pinned or copied script, and reload.`
    );
  }
  if (code === 'unauthorized') {
    return `Parley: ${relay} refused this visitor's session for site "${siteKey}" again after a fresh one; chat stays off on this page until it reloads. The relay's log says why.`;
  }
  if (code !== 'refused') return `Parley: ${relay} refused a session for site "${siteKey}" (${code}).`;
  return (
    `Parley: ${relay} refused this page. Either site key "${siteKey}" is unknown to ${relay} ` +
    `(list the keys with: npx parley site list), or ${page} is not an allowed origin of site "${siteKey}" ` +
    `(add it with: npx parley site origins --key ${siteKey} --add ${page}). The relay's log says which.`
  );
}

/** Prints the line. */
export function reportRefusal(refusal: Refusal): void {
  console.error(refusalLine(refusal));
}
