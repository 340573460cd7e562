import { describe, expect, it } from 'vitest';
import type { CobrowseEventsFrame } from '@parley/protocol';
import { Checkpoint } from './checkpoint.js';

function events(seq: number, extra: Partial<CobrowseEventsFrame> = {}): { frame: CobrowseEventsFrame; text: string } {
  const frame: CobrowseEventsFrame = { type: 'cobrowse.events', conversationId: 'c1', stream: 'stream-aaaa', seq, data: '[{"type":3}]', ...extra };
  return { frame, text: JSON.stringify(frame) };
}

function add(checkpoint: Checkpoint, seq: number, extra: Partial<CobrowseEventsFrame> = {}): string {
  const { frame, text } = events(seq, extra);
  return checkpoint.add(frame, text);
}

describe('Checkpoint', () => {
  it('ignores batches until a full snapshot starts it', () => {
    const checkpoint = new Checkpoint(1 << 20);
    expect(add(checkpoint, 0)).toBe('ignored');
    expect(checkpoint.valid).toBe(false);
    expect(checkpoint.length).toBe(0);
  });

  it('keeps the full snapshot and the consecutive batches after it, as forwarded', () => {
    const checkpoint = new Checkpoint(1 << 20);
    expect(add(checkpoint, 0, { full: true, part: 0, parts: 2 })).toBe('started');
    expect(add(checkpoint, 1, { full: true, part: 1, parts: 2 })).toBe('added');
    expect(add(checkpoint, 2)).toBe('added');
    expect(checkpoint.length).toBe(3);
    expect(checkpoint.frame(2)).toBe(events(2).text);
    expect(checkpoint.bytes).toBeGreaterThan(0);
  });

  it('starts over at a new full snapshot, in the same or a new stream', () => {
    const checkpoint = new Checkpoint(1 << 20);
    add(checkpoint, 0, { full: true });
    add(checkpoint, 1);
    const generation = checkpoint.generation;
    expect(add(checkpoint, 2, { full: true })).toBe('started');
    expect(checkpoint.length).toBe(1);
    expect(add(checkpoint, 0, { full: true, stream: 'stream-bbbb' })).toBe('started');
    expect(add(checkpoint, 1, { stream: 'stream-bbbb' })).toBe('added');
    expect(checkpoint.generation).toBeGreaterThan(generation);
  });

  it('drops itself on a gap or a stream without its snapshot', () => {
    const checkpoint = new Checkpoint(1 << 20);
    add(checkpoint, 0, { full: true });
    expect(add(checkpoint, 2)).toBe('dropped');
    expect(checkpoint.valid).toBe(false);
    add(checkpoint, 0, { full: true });
    expect(add(checkpoint, 1, { stream: 'stream-cccc' })).toBe('dropped');
    expect(checkpoint.length).toBe(0);
  });

  it('drops itself past the byte cap', () => {
    const one = Buffer.byteLength(events(0, { full: true }).text);
    const checkpoint = new Checkpoint(one * 2);
    expect(add(checkpoint, 0, { full: true })).toBe('started');
    expect(add(checkpoint, 1)).toBe('added');
    expect(add(checkpoint, 2)).toBe('dropped');
    expect(checkpoint.bytes).toBe(0);
    expect(add(checkpoint, 3)).toBe('ignored');
    expect(new Checkpoint(10).add(events(0, { full: true }).frame, events(0, { full: true }).text)).toBe('dropped');
  });
});
