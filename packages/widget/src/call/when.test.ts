import { describe, expect, it } from 'vitest';
import { countryOf, windows } from './when.js';

const HOUR = 3_600_000;
const local = (day: number, hour: number, minute = 0) => new Date(2025, 5, day, hour, minute);

describe('windows', () => {
  it('offers the next hour, the next two, this afternoon and tomorrow, in local time', () => {
    const now = local(10, 9, 30);
    const t = now.getTime();
    expect(windows(now)).toEqual([
      { key: 'asap', from: t, to: t + HOUR },
      { key: 'soon', from: t, to: t + 2 * HOUR },
      { key: 'afternoon', from: local(10, 12).getTime(), to: local(10, 17).getTime() },
      { key: 'morning', from: local(11, 9).getTime(), to: local(11, 12).getTime() },
      { key: 'later', from: local(11, 12).getTime(), to: local(11, 17).getTime() },
    ]);
  });

  it('starts this afternoon now when it has begun, and drops it when less than an hour is left', () => {
    const now = local(10, 14, 15);
    expect(windows(now).find((w) => w.key === 'afternoon')).toEqual({ key: 'afternoon', from: now.getTime(), to: local(10, 17).getTime() });
    expect(windows(local(10, 16, 5)).map((w) => w.key)).toEqual(['asap', 'soon', 'morning', 'later']);
  });

  it('finds tomorrow across the end of a month', () => {
    const morning = windows(local(30, 20)).find((w) => w.key === 'morning')!;
    expect(new Date(morning.from)).toEqual(new Date(2025, 6, 1, 9));
  });
});

describe('countryOf', () => {
  it('takes the region of a language tag', () => {
    expect(countryOf('en-GB')).toBe('GB');
    expect(countryOf('ko-KR')).toBe('KR');
    expect(countryOf('zh-Hant-TW')).toBe('TW');
    expect(countryOf('pt_br')).toBe('BR');
  });

  it('has none for a bare language or a numeric region', () => {
    expect(countryOf('en')).toBeUndefined();
    expect(countryOf('es-419')).toBeUndefined();
    expect(countryOf(undefined)).toBeUndefined();
  });
});
