import { describe, expect, it } from 'vitest';
import type { CobrowseEventsFrame } from '@parley/protocol';
import { BatchAssembler, MAX_BATCH_CHARS } from './batch-assembler.js';

function frame(seq: number, data: string, extra: Partial<CobrowseEventsFrame> = {}): CobrowseEventsFrame {
  return { type: 'cobrowse.events', conversationId: 'c1', stream: 'stream-a1b2c3', seq, data, ...extra };
}

/** A full batch split into `pieces`, from `seq` on. */
function splitFull(seq: number, pieces: string[], stream = 'stream-a1b2c3'): CobrowseEventsFrame[] {
  return pieces.map((data, part) => frame(seq + part, data, { full: true, part, parts: pieces.length, stream }));
}

describe('BatchAssembler', () => {
  it('drops page data until a full batch starts, then passes whole batches on', () => {
    const a = new BatchAssembler();
    expect(a.accept(frame(4, '[4]'))).toEqual({ kind: 'dropped' });
    expect(a.waitingForFull).toBe(true);
    expect(a.accept(frame(5, '[5]', { full: true }))).toEqual({ kind: 'batch', stream: 'stream-a1b2c3', full: true, text: '[5]' });
    expect(a.accept(frame(6, '[6]'))).toEqual({ kind: 'batch', stream: 'stream-a1b2c3', full: false, text: '[6]' });
    expect(a.waitingForFull).toBe(false);
  });

  it('joins the parts of a split batch in order', () => {
    const a = new BatchAssembler();
    const [p0, p1, p2] = splitFull(0, ['[{"a"', ':1},', '{"b":2}]']);
    expect(a.accept(p0!)).toEqual({ kind: 'partial' });
    expect(a.accept(p1!)).toEqual({ kind: 'partial' });
    expect(a.accept(p2!)).toEqual({ kind: 'batch', stream: 'stream-a1b2c3', full: true, text: '[{"a":1},{"b":2}]' });
    expect(a.accept(frame(3, '[3]'))).toMatchObject({ kind: 'batch', text: '[3]' });
  });

  it('reports a gap when a seq is skipped and waits for the next full batch', () => {
    const a = new BatchAssembler();
    a.accept(frame(0, '[0]', { full: true }));
    expect(a.accept(frame(2, '[2]'))).toEqual({ kind: 'gap', reason: 'expected seq 1, got 2' });
    expect(a.waitingForFull).toBe(true);
    expect(a.accept(frame(3, '[3]'))).toEqual({ kind: 'dropped' });
    expect(a.accept(frame(9, '[9]', { full: true }))).toMatchObject({ kind: 'batch', full: true });
  });

  it('reports a gap when a split batch loses a part', () => {
    const a = new BatchAssembler();
    const [p0, , p2] = splitFull(0, ['[', '1', ']']);
    a.accept(p0!);
    expect(a.accept(p2!)).toMatchObject({ kind: 'gap' });
  });

  it('reports a gap when a batch ends before its last part or its parts disagree', () => {
    const broken = new BatchAssembler();
    broken.accept(splitFull(0, ['[', ']'])[0]!);
    expect(broken.accept(frame(1, '[1]'))).toEqual({ kind: 'gap', reason: 'a batch ended before its last part' });

    const mismatched = new BatchAssembler();
    mismatched.accept(splitFull(0, ['[', '1', ']'])[0]!);
    expect(mismatched.accept(frame(1, '1', { full: true, part: 1, parts: 4 }))).toEqual({ kind: 'gap', reason: 'the parts of a batch do not match' });
  });

  it('reports a gap when a new stream starts without a full snapshot', () => {
    const a = new BatchAssembler();
    a.accept(frame(0, '[0]', { full: true }));
    expect(a.accept(frame(0, '[0]', { stream: 'stream-next00' }))).toMatchObject({ kind: 'gap' });
  });

  it('follows a new stream from its full batch, whatever its seq', () => {
    const a = new BatchAssembler();
    a.accept(frame(7, '[7]', { full: true }));
    expect(a.accept(frame(0, '[0]', { stream: 'stream-next00', full: true }))).toMatchObject({ kind: 'batch', stream: 'stream-next00' });
    expect(a.accept(frame(1, '[1]', { stream: 'stream-next00' }))).toMatchObject({ kind: 'batch', text: '[1]' });
  });

  it('ignores a frame it already took', () => {
    const a = new BatchAssembler();
    a.accept(frame(0, '[0]', { full: true }));
    a.accept(frame(1, '[1]'));
    expect(a.accept(frame(1, '[1]'))).toEqual({ kind: 'dropped' });
    expect(a.accept(frame(2, '[2]'))).toMatchObject({ kind: 'batch' });
  });

  it('starts over at a full batch that arrives in the middle of another split batch', () => {
    const a = new BatchAssembler();
    a.accept(splitFull(0, ['[', '1', ']'])[0]!);
    expect(a.accept(frame(5, '[5]', { full: true }))).toMatchObject({ kind: 'batch', text: '[5]' });
  });

  it('gives up on a split batch larger than a checkpoint', () => {
    const a = new BatchAssembler();
    const big = 'x'.repeat(MAX_BATCH_CHARS / 2 + 1);
    const parts = splitFull(0, [big, big, ']']);
    a.accept(parts[0]!);
    expect(a.accept(parts[1]!)).toEqual({ kind: 'gap', reason: 'a split batch is too large' });
  });

  it('waits for a full batch again after reset', () => {
    const a = new BatchAssembler();
    a.accept(frame(0, '[0]', { full: true }));
    a.reset();
    expect(a.accept(frame(1, '[1]'))).toEqual({ kind: 'dropped' });
  });
});
