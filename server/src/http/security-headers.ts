/**
 * Headers every HTML page of the relay carries. The console is never framed (its buttons must
 * not be clickjacked) and runs only its own bundle; the demo page and other HTML files may be
 * framed by whoever wants to show them, but never sniffed or leak their URL cross-origin.
 */
import type { OutgoingHttpHeaders } from 'node:http';

/** For any HTML the relay serves. */
export const HTML_SECURITY_HEADERS: Readonly<OutgoingHttpHeaders> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
});

/**
 * For the console's pages, on top of a Content-Security-Policy: `X-Frame-Options` for
 * browsers that predate `frame-ancestors`, no referrer beyond the origin, and a browsing
 * context of its own (a page it opened cannot reach back into it).
 */
export const CONSOLE_SECURITY_HEADERS: Readonly<OutgoingHttpHeaders> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
});
