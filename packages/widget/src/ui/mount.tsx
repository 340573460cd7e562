/**
 * Attaches the UI: a host element on `document.body` with an open shadow root, so the page's CSS
 * and the widget's CSS never meet.
 */
import { render } from 'preact';
import type { Widget } from '../core/widget.js';
import { adoptStyles } from './adopt-styles.js';
import { App } from './App.js';
import { WIDGET_CSS } from './styles.js';

/** The id of the host element. */
export const HOST_ID = 'parley-widget';

/** Mounts the widget's UI; returns the function that removes it again. */
export function mountUi(widget: Widget): () => void {
  const host = document.createElement('div');
  host.id = HOST_ID;
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root, WIDGET_CSS);
  render(<App widget={widget} root={root} />, root);
  let removed = false;
  const attach = () => {
    if (!removed) document.body.appendChild(host);
  };
  // The loader is async and may run before <body> exists.
  if (document.body) attach();
  else document.addEventListener('DOMContentLoaded', attach, { once: true });
  return () => {
    removed = true;
    render(null, root);
    host.remove();
  };
}
