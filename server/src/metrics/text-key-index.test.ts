import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from './registry.js';
import { ERROR_CODE_PREFIX, TYPE_PREFIX, TextKeyIndex } from './text-key-index.js';

describe('TextKeyIndex', () => {
  it('finds the counter of a frame type from the JSON text, types of equal length apart', () => {
    const family = new MetricsRegistry().counter('t_total', 'T.', 'type');
    const index = new TextKeyIndex(family, TYPE_PREFIX);
    const texts = [
      JSON.stringify({ type: 'chat.ack', clientId: 'x' }),
      JSON.stringify({ type: 'chat.ack', clientId: 'y' }),
      // Same length as chat.ack: told apart by its letters.
      JSON.stringify({ type: 'presence', agentsOnline: 1 }),
      JSON.stringify({ type: 'chat.message', message: { text: '"type":"ping"' } }),
    ];
    for (const text of texts) index.counterOf(text)!.inc();
    expect(family.of('chat.ack').value).toBe(2);
    expect(family.of('presence').value).toBe(1);
    expect(family.of('chat.message').value).toBe(1);
    expect(index.counterOf('not json')).toBeNull();
  });

  it('finds an error frame code, and nothing in other frames', () => {
    const family = new MetricsRegistry().counter('e_total', 'E.', 'code');
    const index = new TextKeyIndex(family, ERROR_CODE_PREFIX);
    expect(index.counterOf(JSON.stringify({ type: 'chat.ack', code: 'x' }))).toBeNull();
    index.counterOf(JSON.stringify({ type: 'error', code: 'rate_limited', message: 'slow down' }))!.inc();
    expect(family.of('rate_limited').value).toBe(1);
  });
});
