import { describe, expect, it } from 'vitest';
import { ParleyError } from '@parley/protocol';
import { parsePhone } from './callback-actions.js';

describe('parsePhone', () => {
  it('reads an international number into E.164 and international format', () => {
    expect(parsePhone('+44 20 7123 4567')).toEqual({ e164: '+442071234567', international: '+44 20 7123 4567' });
    expect(parsePhone('+1 (415) 555-2671')).toEqual({ e164: '+14155552671', international: '+1 415 555 2671' });
  });

  it('reads a national number for the given country', () => {
    expect(parsePhone('010-1234-5678', 'KR').e164).toBe('+821012345678');
    expect(parsePhone('020 7123 4567', 'GB').e164).toBe('+442071234567');
  });

  it('refuses a number that is not valid, or national without a known country, with phone_invalid', () => {
    for (const [phone, country] of [['+44 12'], ['555-2671', 'US'], ['020 7123 4567'], ['020 7123 4567', 'XX']] as const) {
      expect(() => parsePhone(phone, country), `${phone} ${country}`).toThrow(ParleyError);
      try {
        parsePhone(phone, country);
      } catch (error) {
        expect((error as ParleyError).code).toBe('phone_invalid');
      }
    }
  });
});
