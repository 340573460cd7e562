import { describe, expect, it } from 'vitest';
import { EVENT_TYPE, parseEvents } from './replay-events.js';

const meta = { type: EVENT_TYPE.Meta, timestamp: 10, data: { href: 'https://shop.test/', width: 1280, height: 720 } };
const snapshot = { type: EVENT_TYPE.FullSnapshot, timestamp: 11, data: { node: {}, initialOffset: { top: 0, left: 0 } } };
const click = { type: EVENT_TYPE.IncrementalSnapshot, timestamp: 12, data: { source: 2, type: 2, id: 5 } };

describe('parseEvents', () => {
  it('reads an array of rrweb events', () => {
    expect(parseEvents(JSON.stringify([meta, snapshot, click]), true)).toEqual([meta, snapshot, click]);
    expect(parseEvents(JSON.stringify([click]), false)).toEqual([click]);
  });

  it('refuses text that is not JSON, not an array, or empty', () => {
    expect(parseEvents('[{"type":3', false)).toBeNull();
    expect(parseEvents('{"type":3,"timestamp":1}', false)).toBeNull();
    expect(parseEvents('[]', false)).toBeNull();
  });

  it('refuses events without a known numeric type or a finite timestamp', () => {
    expect(parseEvents(JSON.stringify([{ ...click, type: '3' }]), false)).toBeNull();
    expect(parseEvents(JSON.stringify([{ ...click, type: 42 }]), false)).toBeNull();
    expect(parseEvents(JSON.stringify([{ ...click, timestamp: 'now' }]), false)).toBeNull();
    expect(parseEvents('[{"type":3,"timestamp":1e999,"data":{}}]', false)).toBeNull();
    expect(parseEvents(JSON.stringify([click, null]), false)).toBeNull();
  });

  it('refuses snapshots and meta events without their data', () => {
    expect(parseEvents(JSON.stringify([{ type: EVENT_TYPE.IncrementalSnapshot, timestamp: 1 }]), false)).toBeNull();
    expect(parseEvents(JSON.stringify([{ type: EVENT_TYPE.FullSnapshot, timestamp: 1, data: null }]), true)).toBeNull();
  });

  it('refuses a full batch without a full snapshot', () => {
    expect(parseEvents(JSON.stringify([meta, click]), true)).toBeNull();
  });
});
