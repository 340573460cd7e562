/**
 * happy-dom loads an iframe's `src` over the network; component tests have no relay, so the
 * viewer page is answered with an empty document (the viewer itself runs in Chromium tests).
 * The test plays the viewer by posting messages from the iframe's window.
 */
import { beforeEach } from 'vitest';

interface HappyDomWindow {
  happyDOM?: {
    settings: {
      fetch: {
        interceptor: {
          beforeAsyncRequest?(context: { request: { url: string } }): Promise<Response | void>;
        } | null;
      };
    };
  };
}

/** Answers `/console/viewer.html` with an empty page in every test of the calling file. */
export function useViewerPageStub(): void {
  beforeEach(() => {
    const settings = (window as unknown as HappyDomWindow).happyDOM?.settings;
    if (!settings) return;
    settings.fetch.interceptor = {
      async beforeAsyncRequest({ request }) {
        if (new URL(request.url).pathname !== '/console/viewer.html') return undefined;
        return new Response('<!doctype html><title>Co-browse viewer</title>', { headers: { 'Content-Type': 'text/html' } });
      },
    };
  });
}

/** Posts `data` to the console's window as the viewer in `frame` would. */
export function postFromViewer(frame: HTMLIFrameElement, data: unknown, origin = window.location.origin): void {
  window.dispatchEvent(new MessageEvent('message', { data, origin, source: frame.contentWindow }));
}
