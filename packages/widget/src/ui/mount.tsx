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
  // Co-browse never records the widget itself (its block selector names this attribute).
  host.setAttribute('data-parley-widget', '');
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root, WIDGET_CSS);
  render(<App widget={widget} root={root} />, root);
  // The agent's pointer layer, created now (after Preact's first render, which would remove it):
  // rrweb watches this shadow root, but never records nodes under an element it did not see.
  const layer = document.createElement('div');
  layer.className = 'cb-layer';
  layer.setAttribute('aria-hidden', 'true');
  root.appendChild(layer);
  widget.attachLayer(layer);
  let removed = false;
  const attach = () => {
    if (!removed) document.body.appendChild(host);
  };
  // The loader is async and may run before <body> exists.
  if (document.body) attach();
  else document.addEventListener('DOMContentLoaded', attach, { once: true });
  return () => {
    removed = true;
    widget.attachLayer(null);
    render(null, root);
    host.remove();
  };
}
