import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cobrowseBroker, lastState, systemTexts } from './test-broker.js';
import { cobrowseHub } from '../test-broker.js';

describe('co-browse lifecycle', () => {
  it('ends sharing when the sharing tab does not come back in time', async () => {
    const { broker, storage, agent, first, conversationId } = await cobrowseBroker({ cobrowseResumeMs: 30 });
    const a = await agent();
    await broker.handle(a.session, { type: 'cobrowse.request', conversationId, scope: 'view' });
    await broker.handle(first.session, { type: 'cobrowse.consent', conversationId, requestId: lastState(first)!.requestId!, granted: true, tab: 'tab-one-0001' });
    await broker.handle(a.session, { type: 'cobrowse.join', conversationId });
    await broker.disconnect(first.session);
    // Fails when the line never comes (the resume timer never fires or writes something else).
    await expect.poll(() => systemTexts(storage, conversationId), { timeout: 5_000 }).toContain('Screen sharing ended: the visitor left');
    expect(lastState(a)).toMatchObject({ view: 'off', live: false });
    expect(cobrowseHub(broker).size).toBe(0);
    broker.close();
  });

  it('tells both sides a sharing ended when its tab does not come back, even while the store cannot be read', async () => {
    const { broker, storage, agent, visitor, first, conversationId } = await cobrowseBroker({ cobrowseResumeMs: 30 });
    const a = await agent();
    const other = await visitor();
    await broker.handle(a.session, { type: 'cobrowse.request', conversationId, scope: 'view' });
    await broker.handle(first.session, { type: 'cobrowse.consent', conversationId, requestId: lastState(first)!.requestId!, granted: true, tab: 'tab-one-0001' });
    await broker.handle(a.session, { type: 'cobrowse.join', conversationId });
    // The database becomes unreachable: no read or write of conversations and messages works.
    const unreachable = (): Promise<never> => Promise.reject(new BetterSqlite3.SqliteError('disk I/O error', 'SQLITE_IOERR'));
    const { getConversation, appendMessage } = storage;
    storage.getConversation = unreachable;
    storage.appendMessage = unreachable;
    await broker.disconnect(first.session);
    // The resume timer ends the sharing from the broker's copy of the conversation.
    await expect.poll(() => lastState(a), { timeout: 5_000 }).toMatchObject({ view: 'off' });
    expect(lastState(other)).toMatchObject({ view: 'off' });
    // Once the store is back, the line is written.
    storage.getConversation = getConversation;
    storage.appendMessage = appendMessage;
    await expect.poll(() => systemTexts(storage, conversationId), { timeout: 5_000 }).toContain('Screen sharing ended: the visitor left');
    broker.close();
  });

  it('lets a watching agent go when its connection closes', async () => {
    const { broker, agent, first, conversationId } = await cobrowseBroker();
    const a = await agent();
    await broker.handle(a.session, { type: 'cobrowse.request', conversationId, scope: 'view' });
    await broker.handle(first.session, { type: 'cobrowse.consent', conversationId, requestId: lastState(first)!.requestId!, granted: true, tab: 'tab-one-0001' });
    await broker.handle(a.session, { type: 'cobrowse.join', conversationId });
    expect(cobrowseHub(broker).get(conversationId)!.watchers.size).toBe(1);
    await broker.disconnect(a.session);
    expect(cobrowseHub(broker).get(conversationId)!.watchers.size).toBe(0);
    expect(cobrowseHub(broker).ofSession(a.session)).toEqual([]);
    broker.close();
  });

  it('clears every co-browse timer when the broker closes', async () => {
    const { broker, storage, agent, conversationId } = await cobrowseBroker({ cobrowseRequestMs: 20 });
    const a = await agent();
    await broker.handle(a.session, { type: 'cobrowse.request', conversationId, scope: 'view' });
    broker.close();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await systemTexts(storage, conversationId)).toEqual(["Ann asked to see the visitor's page"]);
  });
});
