/**
 * The demo host page at `/`: `examples/demo/index.html` with the relay's public origin and the
 * demo site key filled in, so the snippet on it is exactly the one the README shows. When the
 * examples folder is absent (an installed relay), a minimal page with the same snippet is used.
 * The script-tag example (`examples/script-tag/index.html`) is served the same way at
 * `/examples/script-tag/`, so it works on whatever port and host the relay runs.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { sendPage } from './revalidation.js';
import { HTML_SECURITY_HEADERS } from './security-headers.js';

const FALLBACK = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley demo</title>
</head>
<body>
<h1>Parley demo</h1>
<p>The chat button in the corner is the Parley widget. Answer in the <a href="/console/">console</a>.</p>
<script async src="__PARLEY_ORIGIN__/parley.js" data-site-key="__PARLEY_SITE_KEY__"></script>
</body>
</html>
`;

/** Fills the demo template's placeholders. */
export function renderDemo(template: string, origin: string, siteKey: string): string {
  return template.replaceAll('__PARLEY_ORIGIN__', origin).replaceAll('__PARLEY_SITE_KEY__', siteKey);
}

/** Sends the demo page (revalidated: 304 when the browser's copy is current). */
export async function sendDemoPage(
  req: IncomingMessage,
  res: ServerResponse,
  demoDir: string,
  origin: string,
  siteKey: string,
): Promise<void> {
  const template = await readFile(join(demoDir, 'index.html'), 'utf8').catch(() => FALLBACK);
  sendPage(req, res, renderDemo(template, origin, siteKey), HTML_SECURITY_HEADERS);
}

/**
 * Sends the script-tag example, a sibling of the demo folder; false when it is absent (an
 * installed relay ships no examples).
 */
export async function sendScriptTagExample(
  req: IncomingMessage,
  res: ServerResponse,
  demoDir: string,
  origin: string,
  siteKey: string,
): Promise<boolean> {
  const template = await readFile(join(dirname(demoDir), 'script-tag', 'index.html'), 'utf8').catch(() => null);
  if (template === null) return false;
  sendPage(req, res, renderDemo(template, origin, siteKey), HTML_SECURITY_HEADERS);
  return true;
}
