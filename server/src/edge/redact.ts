/**
 * What of a request may be written to the log. Tokens travel in query strings (`/ws?token=`),
 * so a logged URL is its path only: the query is replaced by a marker, never written.
 */

/** The request target without its query string or fragment. */
export function redactUrl(url: string | undefined): string {
  if (url === undefined) return '';
  const cut = url.search(/[?#]/);
  return cut < 0 ? url : `${url.slice(0, cut)}?[redacted]`;
}
