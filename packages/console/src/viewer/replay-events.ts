/**
 * Reading a batch of rrweb events from the JSON text the visitor's browser sent. The relay
 * forwards page data untouched, so the viewer checks the shape it relies on before the replayer
 * sees any of it: an array of objects, each with a known numeric `type` and a finite
 * `timestamp`; a full batch must hold a full snapshot.
 */

/** rrweb's event types the viewer knows (`EventType` in rrweb). */
export const EVENT_TYPE = {
  DomContentLoaded: 0,
  Load: 1,
  FullSnapshot: 2,
  IncrementalSnapshot: 3,
  Meta: 4,
  Custom: 5,
  Plugin: 6,
} as const;

/** rrweb's incremental sources the viewer looks at (`IncrementalSource` in rrweb). */
export const INCREMENTAL_SOURCE = {
  MouseMove: 1,
  ViewportResize: 4,
} as const;

/** One rrweb event as far as the viewer needs to know it; the rest passes to the replayer. */
export interface ReplayEvent {
  type: number;
  timestamp: number;
  data?: unknown;
  [key: string]: unknown;
}

function isEvent(value: unknown): value is ReplayEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { type, timestamp, data } = value as { type?: unknown; timestamp?: unknown; data?: unknown };
  if (typeof type !== 'number' || !Number.isInteger(type) || type < EVENT_TYPE.DomContentLoaded || type > EVENT_TYPE.Plugin) return false;
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) return false;
  // Snapshots and meta carry their payload in `data`; the replayer reads it without checking.
  if ((type === EVENT_TYPE.FullSnapshot || type === EVENT_TYPE.IncrementalSnapshot || type === EVENT_TYPE.Meta) && (typeof data !== 'object' || data === null)) {
    return false;
  }
  return true;
}

/**
 * The events of one batch, or null when the text is not what a visitor's recorder sends (the
 * viewer then asks for a fresh checkpoint).
 */
export function parseEvents(text: string, full: boolean): ReplayEvent[] | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(data) || data.length === 0 || !data.every(isEvent)) return null;
  if (full && !data.some((e) => e.type === EVENT_TYPE.FullSnapshot)) return null;
  return data;
}
