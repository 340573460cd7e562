/**
 * The messages between the console and its co-browse viewer (`/console/viewer.html`, same
 * origin, in an iframe). Both sides check the sender's origin and window before reading one, and
 * read it through these guards: the viewer's output is derived from the visitor's page, so the
 * console treats it as untrusted input like any frame.
 */
import type { CobrowseAction, CobrowseEventsFrame, CobrowsePointerKind } from '@parley/protocol';
import { DEFAULT_LIMITS } from '@parley/protocol';

/** What the agent's mouse does over the mirror. */
export type ViewerTool = 'none' | 'pointer' | 'highlight' | 'control';

/** Console -> viewer. */
export type ToViewerMessage =
  | { kind: 'events'; frame: CobrowseEventsFrame }
  | { kind: 'tool'; tool: ViewerTool }
  /** Forget the stream position and wait for the next full batch (the picture stays). */
  | { kind: 'reset' };

/** A pointer or highlight the agent placed on an element of the mirror. */
export interface ViewerPointerMessage {
  kind: 'pointer';
  pointer: CobrowsePointerKind;
  /** rrweb node id of the element. */
  node: number;
  /** Fractions (0..1) of the element's box. */
  x: number;
  y: number;
}

/** A remote-control action on an element of the mirror. */
export interface ViewerControlMessage {
  kind: 'control';
  action: CobrowseAction;
  node: number;
  /** Fractions of the box for `click`; target scroll offsets in CSS pixels for `scroll`. */
  x?: number;
  y?: number;
  /** The field's new value, for `input`. */
  value?: string;
}

/** What the viewer shows: the visitor's address and viewport size. */
export interface ViewerPageMessage {
  kind: 'page';
  url: string;
  width: number;
  height: number;
}

/** Viewer -> console. */
export type FromViewerMessage =
  | { kind: 'ready' }
  | ViewerPointerMessage
  | ViewerControlMessage
  /** A gap or bad data: the viewer needs a fresh checkpoint (it ignores page data until then). */
  | { kind: 'resync' }
  | ViewerPageMessage;

const TOOLS: readonly ViewerTool[] = ['none', 'pointer', 'highlight', 'control'];
/** Longest URL passed on; the status line shows it as text. */
const MAX_URL = 2048;
/** Largest node id the relay accepts. */
const MAX_NODE = 2 ** 31;
/** Largest scroll offset the relay accepts, in CSS pixels. */
const MAX_SCROLL = 10_000_000;
/** Largest viewport side believed, in CSS pixels. */
const MAX_SIDE = 100_000;

type Bag = Record<string, unknown>;

function isBag(value: unknown): value is Bag {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumberIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
}

function isNode(value: unknown): value is number {
  return Number.isSafeInteger(value) && isNumberIn(value, 1, MAX_NODE);
}

function readControl(data: Bag): ViewerControlMessage | null {
  const { action, node, x, y, value } = data;
  if (!isNode(node)) return null;
  switch (action) {
    case 'click':
      if (x === undefined && y === undefined) return { kind: 'control', action, node };
      return isNumberIn(x, 0, 1) && isNumberIn(y, 0, 1) ? { kind: 'control', action, node, x, y } : null;
    case 'scroll':
      return isNumberIn(x, 0, MAX_SCROLL) && isNumberIn(y, 0, MAX_SCROLL) ? { kind: 'control', action, node, x, y } : null;
    case 'input':
      return typeof value === 'string' && value.length <= DEFAULT_LIMITS.maxTextLength ? { kind: 'control', action, node, value } : null;
    default:
      return null;
  }
}

/** Reads a message the viewer posted; null when it is not one. */
export function readFromViewer(data: unknown): FromViewerMessage | null {
  if (!isBag(data)) return null;
  switch (data.kind) {
    case 'ready':
    case 'resync':
      return { kind: data.kind };
    case 'pointer': {
      const { pointer, node, x, y } = data;
      if (pointer !== 'pointer' && pointer !== 'highlight') return null;
      if (!isNode(node) || !isNumberIn(x, 0, 1) || !isNumberIn(y, 0, 1)) return null;
      return { kind: 'pointer', pointer, node, x, y };
    }
    case 'control':
      return readControl(data);
    case 'page': {
      const { url, width, height } = data;
      if (typeof url !== 'string' || !isNumberIn(width, 1, MAX_SIDE) || !isNumberIn(height, 1, MAX_SIDE)) return null;
      return { kind: 'page', url: url.slice(0, MAX_URL), width: Math.round(width), height: Math.round(height) };
    }
    default:
      return null;
  }
}

/** Reads a message the console posted; null when it is not one. */
export function readToViewer(data: unknown): ToViewerMessage | null {
  if (!isBag(data)) return null;
  switch (data.kind) {
    case 'reset':
      return { kind: 'reset' };
    case 'tool':
      return TOOLS.includes(data.tool as ViewerTool) ? { kind: 'tool', tool: data.tool as ViewerTool } : null;
    case 'events': {
      const frame = data.frame;
      if (!isBag(frame) || frame.type !== 'cobrowse.events') return null;
      if (typeof frame.stream !== 'string' || typeof frame.data !== 'string' || !Number.isSafeInteger(frame.seq)) return null;
      return { kind: 'events', frame: frame as unknown as CobrowseEventsFrame };
    }
    default:
      return null;
  }
}
