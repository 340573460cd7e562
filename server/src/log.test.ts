import { describe, expect, it } from 'vitest';
import { createLogger, type LogContext } from './log.js';

function capture(): { lines: string[]; sink: (line: string) => void } {
  const lines: string[] = [];
  return { lines, sink: (line) => void lines.push(line) };
}

describe('createLogger', () => {
  it('writes text lines: time, level, message, data as JSON', () => {
    const { lines, sink } = capture();
    const log = createLogger('info', 'text', {}, sink);
    log.info('slow consumer cut off', { id: 'c1', bufferedBytes: 5 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info slow consumer cut off \{"id":"c1","bufferedBytes":5\}\n$/);
  });

  it('writes one JSON object per line with time, level, msg, node and the data fields', () => {
    const { lines, sink } = capture();
    const context: LogContext = {};
    const log = createLogger('info', 'json', context, sink);
    log.info('before the node is known');
    context.node = 'relay-1';
    log.error('frame failed', { type: 'chat.send', error: new TypeError('boom'), msg: 'a field named msg', n: 3 });
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toEqual({ time: expect.stringMatching(/Z$/), level: 'info', msg: 'before the node is known' });
    expect(second).toMatchObject({ level: 'error', msg: 'frame failed', node: 'relay-1', type: 'chat.send', n: 3, data_msg: 'a field named msg' });
    expect(second!.error).toMatchObject({ name: 'TypeError', message: 'boom' });
    expect(Object.keys(second!).slice(0, 4)).toEqual(['time', 'level', 'msg', 'node']);
  });

  it('keeps a line whose data cannot be serialised, noting the field', () => {
    const { lines, sink } = capture();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    createLogger('info', 'json', {}, sink).info('odd data', { cyclic, big: 1n, fine: 'yes' });
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'info', msg: 'odd data', fine: 'yes' });
    expect(line.cyclic).toMatch(/^\[unserializable: /);
    expect(line.big).toMatch(/^\[unserializable: /);
  });

  it('honours the level in both formats', () => {
    for (const format of ['text', 'json'] as const) {
      const { lines, sink } = capture();
      const errorsOnly = createLogger('error', format, {}, sink);
      errorsOnly.info('dropped');
      errorsOnly.error('kept');
      createLogger('silent', format, {}, sink).error('dropped too');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('kept');
    }
  });
});
