import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '@parley/protocol';
import { Registry } from './registry.js';
import { Session } from './session.js';

function session(id: string, frames: ServerFrame[]): Session {
  return new Session({ id, send: (f) => frames.push(f) }, { role: 'agent', agentId: id, token: 't' });
}

describe('Registry', () => {
  it('delivers once per session across topics and skips the excepted one', () => {
    const registry = new Registry();
    const a: ServerFrame[] = [];
    const b: ServerFrame[] = [];
    const sa = session('a', a);
    const sb = session('b', b);
    registry.join(sa, 'agents');
    registry.join(sa, 'agent:a');
    registry.join(sb, 'agents');
    registry.deliver({ topics: ['agents', 'agent:a'], frame: { type: 'pong' } });
    registry.deliver({ topics: ['agents'], frame: { type: 'pong', t: 1 }, except: 'b' });
    expect(a).toHaveLength(2);
    expect(b).toHaveLength(1);
  });

  it('counts distinct agents and forgets a session that left', () => {
    const registry = new Registry();
    const s1 = session('a', []);
    const s2 = new Session({ id: 'a2', send: () => undefined }, { role: 'agent', agentId: 'a', token: 't' });
    registry.join(s1, 'agent:a');
    registry.join(s2, 'agent:a');
    expect(registry.agentsOnline()).toBe(1);
    registry.leaveAll(s1);
    expect(registry.agentsOnline()).toBe(1);
    registry.leaveAll(s2);
    expect(registry.agentsOnline()).toBe(0);
  });
});
