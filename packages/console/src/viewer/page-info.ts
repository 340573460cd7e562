/**
 * What the agent is told about the visitor's page: its address and viewport size, read from
 * rrweb's meta events (each full snapshot starts with one) and viewport-resize events.
 */
import { EVENT_TYPE, INCREMENTAL_SOURCE, type ReplayEvent } from './replay-events.js';

/** The visitor's address and viewport, in CSS pixels. */
export interface PageInfo {
  url: string;
  width: number;
  height: number;
}

function size(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : null;
}

/**
 * The page info after `events`, starting from `previous`; the same object when nothing changed
 * (so the caller posts only changes). Null while no meta event was seen.
 */
export function nextPageInfo(previous: PageInfo | null, events: readonly ReplayEvent[]): PageInfo | null {
  let info = previous;
  for (const event of events) {
    const data = event.data as Record<string, unknown> | undefined;
    if (!data) continue;
    if (event.type === EVENT_TYPE.Meta) {
      const width = size(data.width);
      const height = size(data.height);
      const url = typeof data.href === 'string' ? data.href : (info?.url ?? '');
      if (width && height) info = { url, width, height };
    } else if (event.type === EVENT_TYPE.IncrementalSnapshot && data.source === INCREMENTAL_SOURCE.ViewportResize && info) {
      const width = size(data.width);
      const height = size(data.height);
      if (width && height) info = { ...info, width, height };
    }
  }
  if (info && previous && info.url === previous.url && info.width === previous.width && info.height === previous.height) return previous;
  return info;
}
