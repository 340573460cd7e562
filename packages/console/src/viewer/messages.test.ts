import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '@parley/protocol';
import { readFromViewer, readToViewer } from './messages.js';

describe('readFromViewer', () => {
  it('reads every message the viewer sends', () => {
    expect(readFromViewer({ kind: 'ready' })).toEqual({ kind: 'ready' });
    expect(readFromViewer({ kind: 'resync', extra: 1 })).toEqual({ kind: 'resync' });
    expect(readFromViewer({ kind: 'pointer', pointer: 'highlight', node: 12, x: 0.5, y: 1 })).toEqual({
      kind: 'pointer',
      pointer: 'highlight',
      node: 12,
      x: 0.5,
      y: 1,
    });
    expect(readFromViewer({ kind: 'control', action: 'click', node: 3, x: 0.1, y: 0.9 })).toEqual({ kind: 'control', action: 'click', node: 3, x: 0.1, y: 0.9 });
    expect(readFromViewer({ kind: 'control', action: 'click', node: 3 })).toEqual({ kind: 'control', action: 'click', node: 3 });
    expect(readFromViewer({ kind: 'control', action: 'scroll', node: 1, x: 0, y: 2400 })).toEqual({ kind: 'control', action: 'scroll', node: 1, x: 0, y: 2400 });
    expect(readFromViewer({ kind: 'control', action: 'input', node: 9, value: 'SAVE10' })).toEqual({ kind: 'control', action: 'input', node: 9, value: 'SAVE10' });
    expect(readFromViewer({ kind: 'page', url: 'https://shop.test/', width: 1280.4, height: 720 })).toEqual({
      kind: 'page',
      url: 'https://shop.test/',
      width: 1280,
      height: 720,
    });
  });

  it('refuses anything out of the ranges the relay accepts', () => {
    expect(readFromViewer(null)).toBeNull();
    expect(readFromViewer('ready')).toBeNull();
    expect(readFromViewer({ kind: 'pointer', pointer: 'laser', node: 1, x: 0, y: 0 })).toBeNull();
    expect(readFromViewer({ kind: 'pointer', pointer: 'pointer', node: 0, x: 0, y: 0 })).toBeNull();
    expect(readFromViewer({ kind: 'pointer', pointer: 'pointer', node: 1.5, x: 0, y: 0 })).toBeNull();
    expect(readFromViewer({ kind: 'pointer', pointer: 'pointer', node: 1, x: 1.2, y: 0 })).toBeNull();
    expect(readFromViewer({ kind: 'control', action: 'click', node: 1, x: 0.5 })).toBeNull();
    expect(readFromViewer({ kind: 'control', action: 'scroll', node: 1, x: -1, y: 0 })).toBeNull();
    expect(readFromViewer({ kind: 'control', action: 'input', node: 1, value: 'x'.repeat(DEFAULT_LIMITS.maxTextLength + 1) })).toBeNull();
    expect(readFromViewer({ kind: 'control', action: 'submit', node: 1 })).toBeNull();
    expect(readFromViewer({ kind: 'page', url: 7, width: 1, height: 1 })).toBeNull();
    expect(readFromViewer({ kind: 'page', url: '', width: 0, height: 1 })).toBeNull();
  });
});

describe('readToViewer', () => {
  it('reads page data, tools and reset', () => {
    const frame = { type: 'cobrowse.events', conversationId: 'c1', stream: 'stream-a1b2c3', seq: 0, data: '[]' };
    expect(readToViewer({ kind: 'events', frame })).toEqual({ kind: 'events', frame });
    expect(readToViewer({ kind: 'tool', tool: 'control' })).toEqual({ kind: 'tool', tool: 'control' });
    expect(readToViewer({ kind: 'reset' })).toEqual({ kind: 'reset' });
  });

  it('refuses anything else', () => {
    expect(readToViewer({ kind: 'tool', tool: 'laser' })).toBeNull();
    expect(readToViewer({ kind: 'events', frame: { type: 'chat.message' } })).toBeNull();
    expect(readToViewer({ kind: 'events', frame: { type: 'cobrowse.events', stream: 's', seq: 'one', data: '' } })).toBeNull();
    expect(readToViewer([])).toBeNull();
  });
});
