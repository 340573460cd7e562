/**
 * Entry of the co-browse viewer (`/console/viewer.js`, loaded by `/console/viewer.html` in an
 * iframe of the console). It talks only to its parent, the console, by postMessage with origin
 * and window checks: page data comes in, the agent's pointer and control actions go out.
 */
import { AgentTools } from './agent-tools.js';
import { readToViewer, type FromViewerMessage, type ToViewerMessage } from './messages.js';
import { MirrorHost } from './mirror-host.js';
import { PageStream } from './page-stream.js';
import { applyViewerStyles } from './viewer-css.js';

function post(message: FromViewerMessage): void {
  // Standalone (opened by hand), there is nobody to tell.
  if (window.parent !== window) window.parent.postMessage(message, location.origin);
}

function boot(): void {
  applyViewerStyles(document);
  const stage = document.createElement('div');
  stage.className = 'pv-stage';
  const empty = document.createElement('p');
  empty.className = 'pv-empty';
  empty.textContent = "Waiting for the visitor's page…";
  const overlay = document.createElement('div');
  overlay.className = 'pv-overlay';
  stage.append(empty, overlay);
  document.body.appendChild(stage);

  const tools = new AgentTools({ overlay, view: () => mirror.view(), post });
  const mirror = new MirrorHost(stage, {
    onShown: () => {
      empty.remove();
      tools.pictureChanged();
    },
  });
  const stream = new PageStream({ mirror, post, now: () => performance.now() });

  const apply = (message: ToViewerMessage) => {
    switch (message.kind) {
      case 'events':
        stream.receive(message.frame);
        break;
      case 'tool':
        tools.setTool(message.tool);
        break;
      case 'reset':
        stream.reset();
        break;
    }
  };

  const windowOnMessage = (event: MessageEvent) => {
    if (event.origin !== location.origin || event.source !== window.parent) return;
    const message = readToViewer(event.data);
    if (message) apply(message);
  };
  // The replayer applies events on animation frames, outside any call of ours: a failure there
  // leaves the mirror out of step with the page, so start again from a fresh checkpoint.
  const windowOnError = () => stream.broken();
  const windowOnResize = () => mirror.layout();

  window.addEventListener('message', windowOnMessage);
  window.addEventListener('error', windowOnError);
  window.addEventListener('resize', windowOnResize);
  post({ kind: 'ready' });
}

boot();
