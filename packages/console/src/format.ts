/**
 * Display helpers shared by the inbox, the conversation and the visitor panel. Pure functions of
 * their inputs (the clock is passed in) so they are tested without a DOM.
 */

/** The name agents see for a visitor: the name they gave, else "Visitor" and the id's first 4 characters. */
export function visitorDisplayName(name: string | null | undefined, visitorId: string): string {
  const given = name?.trim();
  return given ? given : `Visitor ${visitorId.slice(0, 4)}`;
}

/** A short age for inbox rows: "now", "5m", "3h", "2d", then a date. */
export function relativeTime(at: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 45) return 'now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours}h`;
  const days = Math.round(hours / 24);
  if (days < 7) return `${days}d`;
  return new Date(at).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

/** Clock time of a message ("14:05"), with the date when it is not from today. */
export function messageTime(at: number, now: number): string {
  const date = new Date(at);
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (new Date(now).toDateString() === date.toDateString()) return time;
  return `${date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`;
}

/** Full date and time for `title` tooltips. */
export function fullTime(at: number): string {
  return new Date(at).toLocaleString();
}

/** A call's running time: `m:ss`, or `h:mm:ss` past an hour. */
export function callDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const s = String(total % 60).padStart(2, '0');
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600);
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function dayLabel(at: number, now: number): string {
  const day = new Date(at).toDateString();
  if (day === new Date(now).toDateString()) return 'Today';
  if (day === new Date(now + 86_400_000).toDateString()) return 'Tomorrow';
  return new Date(at).toLocaleDateString(undefined, { weekday: 'short', month: 'short', day: 'numeric' });
}

function clock(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** A callback's preferred window in the agent's local time ("Today 14:00–16:00"), or "Any time". */
export function callbackWindow(window: { from: number; to: number } | null, now: number): string {
  if (!window) return 'Any time';
  const from = `${dayLabel(window.from, now)} ${clock(window.from)}`;
  const sameDay = new Date(window.from).toDateString() === new Date(window.to).toDateString();
  return sameDay ? `${from}–${clock(window.to)}` : `${from} – ${dayLabel(window.to, now)} ${clock(window.to)}`;
}
