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
