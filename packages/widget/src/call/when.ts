/**
 * Pure helpers of the callback form: the time windows the visitor may choose, computed to
 * absolute times in the visitor's own time zone, and the country a national number belongs to.
 */

/** A choice of the form's `When` select. */
export type WhenKey = 'asap' | 'soon' | 'afternoon' | 'morning' | 'later';

/** A window the visitor may choose, in ms since the epoch. */
export interface When {
  key: WhenKey;
  from: number;
  to: number;
}

const HOUR = 3_600_000;

/**
 * The windows offered at `now`: as soon as possible (the next hour), the next 2 hours, this
 * afternoon (12:00-17:00, while at least an hour of it is left), tomorrow morning (9:00-12:00)
 * and tomorrow afternoon.
 */
export function windows(now: Date): When[] {
  const t = now.getTime();
  const at = (days: number, hour: number): number => {
    const d = new Date(t);
    d.setDate(d.getDate() + days);
    return d.setHours(hour, 0, 0, 0);
  };
  const list: When[] = [
    { key: 'asap', from: t, to: t + HOUR },
    { key: 'soon', from: t, to: t + 2 * HOUR },
  ];
  if (at(0, 16) > t) list.push({ key: 'afternoon', from: Math.max(t, at(0, 12)), to: at(0, 17) });
  list.push({ key: 'morning', from: at(1, 9), to: at(1, 12) }, { key: 'later', from: at(1, 12), to: at(1, 17) });
  return list;
}

/** The region of a language tag (`en-GB` -> `GB`, `zh-Hant-TW` -> `TW`), or undefined (`en`, `es-419`). */
export function countryOf(tag: string | undefined): string | undefined {
  return tag?.match(/[-_]([a-z]{2})\b/i)?.[1]!.toUpperCase();
}
