import { describe, expect, it } from 'vitest';
import { cobrowseBroker, lastState, systemTexts } from './test-broker.js';

describe('co-browse actions', () => {
  it('answers a repeated request with the state as it is, asking once', async () => {
    const { broker, storage, agent, first, conversationId } = await cobrowseBroker();
    const a = await agent();
    await broker.handle(a.session, { type: 'cobrowse.request', conversationId, scope: 'view' });
    const requestId = lastState(first)!.requestId;
    await broker.handle(a.session, { type: 'cobrowse.request', conversationId, scope: 'view' });
    expect(lastState(a)).toMatchObject({ view: 'requested', requestId });
    expect(await systemTexts(storage, conversationId)).toEqual(["Ann asked to see the visitor's page"]);
    broker.close();
  });

  it('refuses control before the visitor shares, and answers an end with nothing going on', async () => {
    const { broker, agent, first, conversationId } = await cobrowseBroker();
    const a = await agent();
    await expect(broker.handle(a.session, { type: 'cobrowse.request', conversationId, scope: 'control' })).rejects.toMatchObject({ code: 'cobrowse_no_consent' });
    await broker.handle(first.session, { type: 'cobrowse.end', conversationId, scope: 'view' });
    expect(lastState(first)).toEqual({ conversationId, view: 'off', control: 'off', requestId: null, agentName: null, since: null, source: false });
    broker.close();
  });

  it('makes the consenting tab the source, which a later hello of the same tab takes over', async () => {
    const { broker, agent, first, visitor, conversationId } = await cobrowseBroker();
    const a = await agent();
    await broker.handle(a.session, { type: 'cobrowse.request', conversationId, scope: 'view' });
    await broker.handle(first.session, { type: 'cobrowse.consent', conversationId, requestId: lastState(first)!.requestId!, granted: true, tab: 'tab-one-0001' });
    expect(first.session.tab).toBe('tab-one-0001');
    expect(lastState(first)).toMatchObject({ view: 'active', source: true, agentName: 'Ann' });
    const reloaded = await visitor('tab-one-0001');
    expect(lastState(reloaded)).toMatchObject({ source: true });
    expect(lastState(first)).toMatchObject({ source: false });
    await expect(broker.handle(first.session, { type: 'cobrowse.events', conversationId, stream: 'stream-0001', seq: 0, data: '[]' })).rejects.toMatchObject({ code: 'cobrowse_no_consent' });
    broker.close();
  });

  it('drops pointer frames while the sharing tab reloads', async () => {
    const { broker, agent, first, conversationId } = await cobrowseBroker();
    const a = await agent();
    await broker.handle(a.session, { type: 'cobrowse.request', conversationId, scope: 'view' });
    await broker.handle(first.session, { type: 'cobrowse.consent', conversationId, requestId: lastState(first)!.requestId!, granted: true, tab: 'tab-one-0001' });
    await broker.handle(a.session, { type: 'cobrowse.join', conversationId });
    await broker.disconnect(first.session);
    await broker.handle(a.session, { type: 'cobrowse.pointer', conversationId, kind: 'pointer', node: 3, x: 0, y: 0 });
    expect(first.frames.some((f) => f.type === 'cobrowse.pointer')).toBe(false);
    expect(lastState(a)).toMatchObject({ view: 'active', live: false });
    broker.close();
  });
});
