import { describe, expect, it } from 'vitest';
import { Session } from '../session.js';
import { Sharing } from './sharing.js';
import { sharingOff, type SharingState } from './sharing-state.js';

function tab(id: string): Session {
  return new Session({ id, bufferedAmount: 0, closeWith: () => undefined, sendText: () => undefined }, { role: 'visitor', visitorId: 'v1', siteId: 's1' });
}

function state(changes: Partial<SharingState>): SharingState {
  return { ...sharingOff('c1', 'v1'), ...changes };
}

describe('Sharing', () => {
  it('shows the source flag to visitor tabs and liveness to agents', () => {
    const source = tab('t1');
    const sharing = new Sharing(state({ view: 'active', since: 5, source: 't1' }), 1024);
    expect(sharing.visitorStatus(source)).toMatchObject({ view: 'active', source: true, since: 5 });
    expect(sharing.visitorStatus(tab('t2')).source).toBe(false);
    expect(sharing.agentStatus().live).toBe(true);
    expect(sharing.agentStatus()).not.toHaveProperty('source');
    sharing.state = state({ view: 'active', since: 5, source: null });
    expect(sharing.agentStatus().live).toBe(false);
  });

  it('lets go of its live parts on reset, with its timers', () => {
    const sharing = new Sharing(state({ view: 'active', source: 't1' }), 1024);
    sharing.source = tab('t1');
    sharing.requestTimer = setTimeout(() => undefined, 60_000);
    sharing.resumeTimer = setTimeout(() => undefined, 60_000);
    sharing.reset();
    expect(sharing.source).toBeNull();
    expect(sharing.requestTimer).toBeNull();
    expect(sharing.resumeTimer).toBeNull();
    expect(sharing.checkpoint.bytes).toBe(0);
  });

  it('asks for a snapshot only with a connected source', () => {
    const sharing = new Sharing(state({ view: 'active' }), 1024);
    expect(sharing.askSnapshot(0)).toBe(false);
    sharing.source = tab('t1');
    expect(sharing.askSnapshot(0)).toBe(true);
  });
});
