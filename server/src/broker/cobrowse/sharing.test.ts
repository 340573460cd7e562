import { describe, expect, it } from 'vitest';
import { Session } from '../session.js';
import { Sharing } from './sharing.js';

function tab(id: string): Session {
  return new Session({ id, bufferedAmount: 0, closeWith: () => undefined, sendText: () => undefined }, { role: 'visitor', visitorId: 'v1', siteId: 's1' });
}

describe('Sharing', () => {
  it('shows the source flag to visitor tabs and liveness to agents', () => {
    const sharing = new Sharing('c1', 'v1', 1024);
    const source = tab('t1');
    sharing.view = 'active';
    sharing.since = 5;
    sharing.source = source;
    expect(sharing.visitorStatus(source)).toMatchObject({ view: 'active', source: true, since: 5 });
    expect(sharing.visitorStatus(tab('t2')).source).toBe(false);
    expect(sharing.agentStatus().live).toBe(true);
    expect(sharing.agentStatus()).not.toHaveProperty('source');
    sharing.source = null;
    expect(sharing.agentStatus().live).toBe(false);
  });

  it('goes back to all off on reset, forgetting its request timer', () => {
    const sharing = new Sharing('c1', 'v1', 1024);
    sharing.view = 'requested';
    sharing.requestId = 'req-00000001';
    sharing.agentName = 'Ann';
    sharing.requestTimer = setTimeout(() => undefined, 60_000);
    sharing.reset();
    expect(sharing.off).toBe(true);
    expect(sharing.requestTimer).toBeNull();
    expect(sharing.status()).toEqual({ conversationId: 'c1', view: 'off', control: 'off', requestId: null, agentName: null, since: null });
  });

  it('asks for a snapshot only with a connected source', () => {
    const sharing = new Sharing('c1', 'v1', 1024);
    sharing.view = 'active';
    expect(sharing.askSnapshot(0)).toBe(false);
    sharing.source = tab('t1');
    expect(sharing.askSnapshot(0)).toBe(true);
  });
});
