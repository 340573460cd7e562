/**
 * Host pages: what a customer's website looks like to the widget. Every page embeds the primary
 * snippet exactly as the README shows it, pointing at the relay under test.
 */

/** The site key the relay creates on first start. */
export const DEMO_SITE_KEY = 'demo';

/** The primary snippet, as the README shows it, for `relayOrigin`. */
export function snippet(relayOrigin: string, siteKey: string = DEMO_SITE_KEY): string {
  return `<script async src="${relayOrigin}/parley.js" data-site-key="${siteKey}"></script>`;
}

/** Parts of a host page. */
export interface HostPageParts {
  title?: string;
  /** Extra markup for `<head>` (stylesheet links, meta tags). */
  head?: string;
  /** The page's own content. */
  body?: string;
  /** Replaces the primary snippet (pass `''` for a page without the widget). */
  embed?: string;
  lang?: string;
}

/** A complete HTML document embedding the widget of `relayOrigin`. */
export function hostPage(relayOrigin: string, parts: HostPageParts = {}): string {
  const embed = parts.embed ?? snippet(relayOrigin);
  return [
    '<!doctype html>',
    `<html lang="${parts.lang ?? 'en'}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${parts.title ?? 'Acme Store'}</title>`,
    parts.head ?? '',
    '</head>',
    '<body>',
    parts.body ?? '<main><h1>Acme Store</h1><p>Everything you need, delivered tomorrow.</p></main>',
    embed,
    '</body>',
    '</html>',
  ].join('\n');
}
