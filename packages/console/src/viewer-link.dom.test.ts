import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CobrowseEventsFrame } from '@parley/protocol';
import { postFromViewer, useViewerPageStub } from './test-support/viewer-page.js';
import { ViewerLink } from './viewer-link.js';
import type { ToViewerMessage, ViewerControlMessage, ViewerPageMessage, ViewerPointerMessage } from './viewer/messages.js';

useViewerPageStub();

function events(seq: number, extra: Partial<CobrowseEventsFrame> = {}): CobrowseEventsFrame {
  return { type: 'cobrowse.events', conversationId: 'c1', stream: 'stream-a1b2c3', seq, data: `[${seq}]`, ...extra };
}

let frame: HTMLIFrameElement;
let posted: ToViewerMessage[];
let heard: { pages: ViewerPageMessage[]; pointers: ViewerPointerMessage[]; controls: ViewerControlMessage[]; resyncs: number };
let link: ViewerLink;

beforeEach(() => {
  frame = document.createElement('iframe');
  frame.src = '/console/viewer.html';
  document.body.appendChild(frame);
  posted = [];
  // What reaches the viewer's window, in order.
  frame.contentWindow!.postMessage = ((message: ToViewerMessage) => posted.push(message)) as Window['postMessage'];
  heard = { pages: [], pointers: [], controls: [], resyncs: 0 };
  link = new ViewerLink({
    onPage: (p) => heard.pages.push(p),
    onPointer: (p) => heard.pointers.push(p),
    onControl: (c) => heard.controls.push(c),
    onResync: () => (heard.resyncs += 1),
  });
  link.attach(frame);
});

afterEach(() => {
  link.detach();
  frame.remove();
});

describe('ViewerLink', () => {
  it('holds page data from the newest full batch until the viewer is ready, then sends the tool and the data', () => {
    link.events(events(3));
    link.events(events(4, { full: true }));
    link.events(events(5));
    link.events(events(6, { full: true, part: 0, parts: 2 }));
    link.events(events(7, { full: true, part: 1, parts: 2 }));
    link.setTool('pointer');
    expect(posted).toEqual([]);
    postFromViewer(frame, { kind: 'ready' });
    expect(posted.map((m) => (m.kind === 'events' ? m.frame.seq : m.kind))).toEqual(['tool', 6, 7]);
    expect(posted[0]).toEqual({ kind: 'tool', tool: 'pointer' });
    expect(heard.resyncs).toBe(0);
    link.events(events(8));
    expect(posted.at(-1)).toEqual({ kind: 'events', frame: events(8) });
  });

  it('asks for a checkpoint when page data was dropped before the viewer was ready', () => {
    link.events(events(3));
    postFromViewer(frame, { kind: 'ready' });
    expect(heard.resyncs).toBe(1);
  });

  it('asks for a checkpoint when the viewer reloads', () => {
    postFromViewer(frame, { kind: 'ready' });
    expect(heard.resyncs).toBe(0);
    postFromViewer(frame, { kind: 'ready' });
    expect(heard.resyncs).toBe(1);
  });

  it('passes on the viewer’s page, pointer, control and resync messages', () => {
    postFromViewer(frame, { kind: 'page', url: 'https://shop.test/', width: 1280, height: 720 });
    postFromViewer(frame, { kind: 'pointer', pointer: 'pointer', node: 4, x: 0.5, y: 0.5 });
    postFromViewer(frame, { kind: 'control', action: 'input', node: 9, value: 'SAVE10' });
    postFromViewer(frame, { kind: 'resync' });
    expect(heard.pages).toEqual([{ kind: 'page', url: 'https://shop.test/', width: 1280, height: 720 }]);
    expect(heard.pointers).toEqual([{ kind: 'pointer', pointer: 'pointer', node: 4, x: 0.5, y: 0.5 }]);
    expect(heard.controls).toEqual([{ kind: 'control', action: 'input', node: 9, value: 'SAVE10' }]);
    expect(heard.resyncs).toBe(1);
  });

  it('ignores messages from another origin, another window, or of the wrong shape', () => {
    postFromViewer(frame, { kind: 'resync' }, 'https://evil.test');
    window.dispatchEvent(new MessageEvent('message', { data: { kind: 'resync' }, origin: window.location.origin, source: window }));
    postFromViewer(frame, { kind: 'pointer', pointer: 'pointer', node: -1, x: 0, y: 0 });
    expect(heard).toEqual({ pages: [], pointers: [], controls: [], resyncs: 0 });
  });

  it('tells a ready viewer to wait for a fresh full batch after the console rejoined', () => {
    postFromViewer(frame, { kind: 'ready' });
    link.reset();
    expect(posted.at(-1)).toEqual({ kind: 'reset' });
  });

  it('stops listening once detached', () => {
    link.detach();
    postFromViewer(frame, { kind: 'resync' });
    expect(heard.resyncs).toBe(0);
  });
});
