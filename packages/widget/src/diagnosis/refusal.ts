/**
 * The console line for a page the relay refused, in a lazily loaded chunk: every page where the
 * widget works never downloads it, and a refusal means the relay is up to serve it. The browser
 * hides from a refused page which of the two causes it was (so that no stranger's page can tell
 * an existing site key from an unknown one); the line names both, with the fix for each, and
 * the relay's log names the one it was.
 */

/** What the line names. */
export interface Refusal {
  /** The relay's origin. */
  relay: string;
  /** The page's origin. */
  page: string;
  siteKey: string;
  /** `refused` (the answer was unreadable) or the relay's error code. */
  code: string;
}

/** The one line, as printed in the page's console. */
export function refusalLine({ relay, page, siteKey, code }: Refusal): string {
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
