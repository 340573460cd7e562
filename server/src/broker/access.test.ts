import { describe, expect, it } from 'vitest';
import { newConversation } from '../storage/records.js';
import type { Conversation } from '../storage/storage.js';
import { agentsServing, canAccess, scopeTopics, servesSite, siteScope, siteTopics } from './access.js';
import { Registry } from './registry.js';
import { Session, type PeerIdentity } from './session.js';

function session(identity: PeerIdentity, siteIds?: readonly string[] | null): Session {
  const s = new Session({ id: `c-${Math.random()}`, bufferedAmount: 0, sendText: () => undefined, closeWith: () => undefined }, identity);
  if (siteIds !== undefined) s.siteIds = siteIds;
  return s;
}

function conversation(siteId: string, visitorId = 'v1'): Conversation {
  return newConversation({ id: `conv-${siteId}`, siteId, visitorId, createdAt: 1 });
}

const agent = (role: 'agent' | 'supervisor' | 'admin') => ({ id: 'a', email: 'a@x', name: 'A', role, passwordHash: 'x', createdAt: 1 });

describe('canAccess', () => {
  it('lets an agent or supervisor reach only the conversations of its sites', () => {
    const ana = session({ role: 'agent', agentId: 'ana' }, ['s1', 's3']);
    expect(canAccess(ana, conversation('s1'))).toBe(true);
    expect(canAccess(ana, conversation('s3'))).toBe(true);
    expect(canAccess(ana, conversation('s2'))).toBe(false);
  });

  it('lets an admin connection (every site) reach any conversation', () => {
    const zoe = session({ role: 'agent', agentId: 'zoe' }, null);
    expect(canAccess(zoe, conversation('s1'))).toBe(true);
    expect(canAccess(zoe, conversation('any-site-added-later'))).toBe(true);
  });

  it('gives an agent connection no site before its hello set the scope', () => {
    expect(canAccess(session({ role: 'agent', agentId: 'ana' }), conversation('s1'))).toBe(false);
  });

  it('lets a visitor reach only its own conversations, whatever the site', () => {
    const visitor = session({ role: 'visitor', visitorId: 'v1', siteId: 's1' });
    expect(canAccess(visitor, conversation('s1', 'v1'))).toBe(true);
    expect(canAccess(visitor, conversation('s1', 'v2'))).toBe(false);
    expect(servesSite(visitor, 's1')).toBe(true);
    expect(servesSite(visitor, 's2')).toBe(false);
  });
});

describe('siteScope', () => {
  it('scopes agents and supervisors to their memberships and admins to every site', () => {
    expect(siteScope(agent('agent'), ['s1'])).toEqual(['s1']);
    expect(siteScope(agent('supervisor'), [])).toEqual([]);
    expect(siteScope(agent('admin'), [])).toBeNull();
  });
});

describe('site topics', () => {
  it('reaches a site through its agents topic and the admins topic', () => {
    expect(siteTopics('s1')).toEqual(['agents:s1', 'admins']);
    expect(scopeTopics(['s1', 's2'])).toEqual(['agents:s1', 'agents:s2']);
    expect(scopeTopics(null)).toEqual(['admins']);
  });

  it('delivers a site frame once to each connection serving the site, and to nobody else', () => {
    const registry = new Registry();
    const texts = new Map<string, string[]>();
    const join = (name: string, siteIds: readonly string[] | null): Session => {
      const list: string[] = [];
      texts.set(name, list);
      const s = new Session({ id: name, bufferedAmount: 0, sendText: (t) => void list.push(t), closeWith: () => undefined }, { role: 'agent', agentId: name });
      s.siteIds = siteIds;
      for (const topic of scopeTopics(siteIds)) registry.join(s, topic);
      return s;
    };
    join('both', ['s1', 's2']);
    join('one', ['s1']);
    join('two', ['s2']);
    join('admin', null);
    registry.deliver({ topics: siteTopics('s1'), frame: { type: 'pong', t: 1 } });
    expect(Object.fromEntries([...texts].map(([name, list]) => [name, list.length]))).toEqual({ both: 1, one: 1, two: 0, admin: 1 });
    expect(agentsServing(registry, 's2').map((s) => s.id).sort()).toEqual(['admin', 'both', 'two']);
  });
});
