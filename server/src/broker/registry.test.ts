import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '@parley/protocol';
import { Registry } from './registry.js';
import { Session } from './session.js';

function session(id: string, frames: ServerFrame[]): Session {
  return new Session({ id, bufferedAmount: 0, closeWith: () => undefined, sendText: (t) => frames.push(JSON.parse(t) as ServerFrame) }, { role: 'agent', agentId: id });
}

describe('Registry', () => {
  it('delivers once per session across topics and skips the excepted one', () => {
    const registry = new Registry();
    const a: ServerFrame[] = [];
    const b: ServerFrame[] = [];
    const sa = session('a', a);
    const sb = session('b', b);
    registry.join(sa, 'admins');
    registry.join(sa, 'agent:a');
    registry.join(sb, 'admins');
    registry.deliver({ topics: ['admins', 'agent:a'], frame: { type: 'pong' } });
    registry.deliver({ topics: ['admins'], frame: { type: 'pong', t: 1 }, except: 'b' });
    expect(a).toHaveLength(2);
    expect(b).toHaveLength(1);
  });

  it('counts distinct agents and forgets a session that left', () => {
    const registry = new Registry();
    const s1 = session('a', []);
    const s2 = new Session({ id: 'a2', bufferedAmount: 0, closeWith: () => undefined, sendText: () => undefined }, { role: 'agent', agentId: 'a' });
    registry.join(s1, 'agent:a');
    registry.join(s2, 'agent:a');
    expect(registry.agentsOnline()).toBe(1);
    registry.leaveAll(s1);
    expect(registry.agentsOnline()).toBe(1);
    registry.leaveAll(s2);
    expect(registry.agentsOnline()).toBe(0);
  });

  it('delivers to a visitor topic as it grows from one tab to two and back', () => {
    const registry = new Registry();
    const one: ServerFrame[] = [];
    const two: ServerFrame[] = [];
    const tab1 = new Session({ id: 't1', bufferedAmount: 0, closeWith: () => undefined, sendText: (t) => one.push(JSON.parse(t) as ServerFrame) }, { role: 'visitor', visitorId: 'v1', siteId: 's' });
    const tab2 = new Session({ id: 't2', bufferedAmount: 0, closeWith: () => undefined, sendText: (t) => two.push(JSON.parse(t) as ServerFrame) }, { role: 'visitor', visitorId: 'v1', siteId: 's' });
    registry.join(tab1, 'visitor:v1');
    registry.join(tab1, 'site:s');
    registry.deliver({ topics: ['visitor:v1'], frame: { type: 'pong', t: 1 } });
    registry.join(tab2, 'visitor:v1');
    expect(registry.count('visitor:v1')).toBe(2);
    registry.deliver({ topics: ['visitor:v1', 'site:s'], frame: { type: 'pong', t: 2 } });
    registry.leaveAll(tab1);
    registry.deliver({ topics: ['visitor:v1'], frame: { type: 'pong', t: 3 } });
    expect(one).toEqual([{ type: 'pong', t: 1 }, { type: 'pong', t: 2 }]);
    expect(two).toEqual([{ type: 'pong', t: 2 }, { type: 'pong', t: 3 }]);
    expect(registry.count('site:s')).toBe(0);
    registry.leave(tab2, 'visitor:v1');
    expect(registry.count('visitor:v1')).toBe(0);
    expect(registry.members('visitor:v1')).toEqual([]);
  });

  it('moves a tab to another visitor topic when it joins one (an identify merged it)', () => {
    const registry = new Registry();
    const tab = new Session({ id: 't', bufferedAmount: 0, closeWith: () => undefined, sendText: () => undefined }, { role: 'visitor', visitorId: 'old', siteId: 's' });
    registry.join(tab, 'visitor:old');
    registry.leave(tab, 'visitor:old');
    tab.subjectId = 'new';
    registry.join(tab, 'visitor:new');
    expect(registry.count('visitor:old')).toBe(0);
    expect(registry.members('visitor:new')).toEqual([tab]);
  });

  it('serialises a fanned-out frame once and hands every recipient the same text', () => {
    const registry = new Registry();
    const texts: string[] = [];
    for (const id of ['a', 'b', 'c']) {
      registry.join(new Session({ id, bufferedAmount: 0, closeWith: () => undefined, sendText: (t) => texts.push(t) }, { role: 'agent', agentId: id }), 'admins');
    }
    registry.deliver({ topics: ['admins'], frame: { type: 'presence', agentsOnline: 3 } });
    expect(texts).toHaveLength(3);
    expect(texts.every((t) => t === texts[0])).toBe(true);
    expect(JSON.parse(texts[0]!)).toEqual({ type: 'presence', agentsOnline: 3 });
  });
});

