import { describe, expect, it } from 'vitest';
import { cobrowseTransition, mayForward, NOT_SHARING, type CobrowseEffect, type CobrowseEvent } from './cobrowse-transition.js';
import { COBROWSE_TEXT } from './messages.js';
import { sharingOff, type SharingState } from './sharing-state.js';

/** The clock every row runs at. */
const NOW = 100_000;

// The states a conversation's co-browse passes through. Tab `t1` (tab id `tab-1`) consented;
// `t2` is another connection of the visitor; `w1` an agent connection watching.
const off = sharingOff('c1', 'v1');
const viewRequested: SharingState = { ...off, view: 'requested', requestId: 'req-1', agentId: 'ann', agentName: 'Ann' };
const sharing: SharingState = { ...viewRequested, view: 'active', requestId: null, since: 5_000, tab: 'tab-1', source: 't1' };
const watched: SharingState = { ...sharing, watchers: ['w1'] };
const controlRequested: SharingState = { ...sharing, control: 'requested', requestId: 'req-2' };
const controlled: SharingState = { ...sharing, control: 'active' };
const reloading: SharingState = { ...sharing, source: null };

const request = (scope: 'view' | 'control', requestId: string, agentId = 'ann', agentName = 'Ann'): CobrowseEvent => ({ type: 'request', scope, agentId, agentName, requestId });
const consent = (requestId: string, granted: boolean, connection = 't1'): CobrowseEvent => ({ type: 'consent', connection, requestId, granted, tab: 'tab-1' });
const endBy = (role: 'visitor' | 'agent', scope: 'view' | 'control'): CobrowseEvent => ({ type: 'end', role, scope, agentName: role === 'agent' ? 'Ann' : '' });

/** All off, for both sides, with this line. */
const stops = (text: string): CobrowseEffect[] => [{ type: 'forget' }, { type: 'deliver' }, { type: 'line', text }];
const REPLY: CobrowseEffect[] = [{ type: 'reply' }];
const NOTHING: CobrowseEffect[] = [];

/** One rule: in `state`, `event` is refused with `refused`, or yields `becomes` (default: `state`) and `effects`. */
type Rule = { when: string; state: SharingState; event: CobrowseEvent; refused?: string; becomes?: SharingState; effects?: CobrowseEffect[] };

const RULES: Rule[] = [
  // request
  {
    when: 'an agent asks to see the page: the visitor is asked, with a deadline',
    state: off,
    event: request('view', 'req-1'),
    becomes: viewRequested,
    effects: [{ type: 'request-timer', requestId: 'req-1' }, { type: 'deliver' }, { type: 'line', text: COBROWSE_TEXT.asked('Ann') }],
  },
  { when: 'asking again while the visitor has not answered changes nothing', state: viewRequested, event: request('view', 'req-9', 'bo', 'Bo'), effects: REPLY },
  { when: 'asking to see a page already shared changes nothing', state: sharing, event: request('view', 'req-9'), effects: REPLY },
  {
    when: 'an agent asks for control while the page is shared',
    state: sharing,
    event: request('control', 'req-2'),
    becomes: controlRequested,
    effects: [{ type: 'request-timer', requestId: 'req-2' }, { type: 'deliver' }, { type: 'line', text: COBROWSE_TEXT.askedControl('Ann') }],
  },
  {
    when: 'another agent asks for control: they are the one asking now',
    state: sharing,
    event: request('control', 'req-2', 'bo', 'Bo'),
    becomes: { ...controlRequested, agentId: 'bo', agentName: 'Bo' },
    effects: [{ type: 'request-timer', requestId: 'req-2' }, { type: 'deliver' }, { type: 'line', text: COBROWSE_TEXT.askedControl('Bo') }],
  },
  { when: 'asking for control again changes nothing', state: controlRequested, event: request('control', 'req-9'), effects: REPLY },
  { when: 'asking for control of a controlled page changes nothing', state: controlled, event: request('control', 'req-9'), effects: REPLY },
  { when: 'asking for control before anything is shared: refused', state: off, event: request('control', 'req-2'), refused: 'cobrowse_no_consent' },
  { when: 'asking for control before the visitor agreed to share: refused', state: viewRequested, event: request('control', 'req-2'), refused: 'cobrowse_no_consent' },

  // consent
  {
    when: 'the visitor agrees to share: the answering tab is the source',
    state: viewRequested,
    event: consent('req-1', true),
    becomes: { ...sharing, since: NOW },
    effects: [
      { type: 'request-timer', requestId: null },
      { type: 'resume-timer', run: false },
      { type: 'source', connection: 't1', tab: 'tab-1' },
      { type: 'deliver' },
      { type: 'line', text: COBROWSE_TEXT.started },
    ],
  },
  { when: 'the visitor declines to share: all off', state: viewRequested, event: consent('req-1', false), becomes: off, effects: stops(COBROWSE_TEXT.declined) },
  {
    when: 'the visitor allows control',
    state: controlRequested,
    event: consent('req-2', true),
    becomes: controlled,
    effects: [{ type: 'request-timer', requestId: null }, { type: 'deliver' }, { type: 'line', text: COBROWSE_TEXT.controlAllowed }],
  },
  {
    when: 'the visitor declines control: sharing goes on',
    state: controlRequested,
    event: consent('req-2', false),
    becomes: sharing,
    effects: [{ type: 'request-timer', requestId: null }, { type: 'deliver' }, { type: 'line', text: COBROWSE_TEXT.controlDeclined }],
  },
  { when: 'an answer with nothing asked: refused', state: off, event: consent('req-1', true), refused: 'cobrowse_no_consent' },
  { when: 'an answer while sharing with nothing asked: refused', state: sharing, event: consent('req-1', true), refused: 'cobrowse_no_consent' },
  { when: 'an answer to an earlier request: refused', state: controlRequested, event: consent('req-1', true), refused: 'cobrowse_no_consent' },

  // end
  { when: 'ending what is all off changes nothing', state: off, event: endBy('agent', 'view'), effects: REPLY },
  { when: 'the visitor dismisses the request', state: viewRequested, event: endBy('visitor', 'view'), becomes: off, effects: stops(COBROWSE_TEXT.declined) },
  { when: 'the agent cancels the request', state: viewRequested, event: endBy('agent', 'view'), becomes: off, effects: stops(COBROWSE_TEXT.agentCancelled('Ann')) },
  { when: 'the visitor stops sharing', state: sharing, event: endBy('visitor', 'view'), becomes: off, effects: stops(COBROWSE_TEXT.visitorStopped) },
  { when: 'the agent stops co-browsing, which ends control too', state: controlled, event: endBy('agent', 'view'), becomes: off, effects: stops(COBROWSE_TEXT.agentStopped('Ann')) },
  { when: 'ending control that is off changes nothing', state: sharing, event: endBy('visitor', 'control'), effects: REPLY },
  {
    when: 'the visitor dismisses the control request',
    state: controlRequested,
    event: endBy('visitor', 'control'),
    becomes: sharing,
    effects: [{ type: 'request-timer', requestId: null }, { type: 'deliver' }, { type: 'line', text: COBROWSE_TEXT.controlDeclined }],
  },
  {
    when: 'the agent cancels the control request',
    state: controlRequested,
    event: endBy('agent', 'control'),
    becomes: sharing,
    effects: [{ type: 'request-timer', requestId: null }, { type: 'deliver' }, { type: 'line', text: COBROWSE_TEXT.agentCancelled('Ann') }],
  },
  { when: 'the visitor takes back control', state: controlled, event: endBy('visitor', 'control'), becomes: sharing, effects: [{ type: 'deliver' }, { type: 'line', text: COBROWSE_TEXT.controlTakenBack }] },
  { when: 'the agent stops remote control', state: controlled, event: endBy('agent', 'control'), becomes: sharing, effects: [{ type: 'deliver' }, { type: 'line', text: COBROWSE_TEXT.agentStoppedControl('Ann') }] },

  // request-expired
  { when: 'the visitor never answers the request to share: all off', state: viewRequested, event: { type: 'request-expired', requestId: 'req-1' }, becomes: off, effects: stops(COBROWSE_TEXT.expired) },
  {
    when: 'the visitor never answers the control request: sharing goes on',
    state: controlRequested,
    event: { type: 'request-expired', requestId: 'req-2' },
    becomes: sharing,
    effects: [{ type: 'request-timer', requestId: null }, { type: 'deliver' }, { type: 'line', text: COBROWSE_TEXT.expired }],
  },
  { when: 'an answered request’s deadline changes nothing', state: controlRequested, event: { type: 'request-expired', requestId: 'req-1' }, effects: NOTHING },
  { when: 'a deadline while nothing is asked changes nothing', state: sharing, event: { type: 'request-expired', requestId: 'req-2' }, effects: NOTHING },

  // connection-closed
  { when: 'the source tab goes away (a page load): agents see it is not live, the wait starts', state: sharing, event: { type: 'connection-closed', connection: 't1' }, becomes: reloading, effects: [{ type: 'resume-timer', run: true }, { type: 'deliver-agents' }] },
  { when: 'a watching agent connection closes: it stops watching', state: watched, event: { type: 'connection-closed', connection: 'w1' }, becomes: sharing, effects: [{ type: 'unwatch', connection: 'w1' }] },
  { when: 'another connection closes: nothing', state: sharing, event: { type: 'connection-closed', connection: 't2' }, effects: NOTHING },

  // resume-expired
  { when: 'the source tab never comes back: all off', state: reloading, event: { type: 'resume-expired' }, becomes: off, effects: stops(COBROWSE_TEXT.visitorLeft) },
  { when: 'the wait ends with the source back: nothing', state: sharing, event: { type: 'resume-expired' }, effects: NOTHING },
  { when: 'the wait ends after sharing stopped: nothing', state: off, event: { type: 'resume-expired' }, effects: NOTHING },

  // source-back
  {
    when: 'the sharing tab is back after a page load: it is the source again',
    state: reloading,
    event: { type: 'source-back', connection: 't2', tab: 'tab-1' },
    becomes: { ...sharing, source: 't2' },
    effects: [{ type: 'resume-timer', run: false }, { type: 'source', connection: 't2', tab: 'tab-1' }, { type: 'deliver-agents' }],
  },
  {
    when: 'the sharing tab is back before its old connection closed: the old one is told',
    state: sharing,
    event: { type: 'source-back', connection: 't2', tab: 'tab-1' },
    becomes: { ...sharing, source: 't2' },
    effects: [{ type: 'resume-timer', run: false }, { type: 'source', connection: 't2', tab: 'tab-1' }, { type: 'tell-former-source', connection: 't1' }, { type: 'deliver-agents' }],
  },
  {
    when: 'the source tab says hello again on its own connection: nobody is told it stopped being the source',
    state: sharing,
    event: { type: 'source-back', connection: 't1', tab: 'tab-1' },
    effects: [{ type: 'resume-timer', run: false }, { type: 'source', connection: 't1', tab: 'tab-1' }, { type: 'deliver-agents' }],
  },
  { when: 'another tab of the visitor connects: nothing', state: reloading, event: { type: 'source-back', connection: 't2', tab: 'tab-2' }, effects: NOTHING },
  { when: 'a tab without a tab id connects: nothing', state: reloading, event: { type: 'source-back', connection: 't2', tab: null }, effects: NOTHING },
  { when: 'a tab connects while only asked: nothing (the prompt is in its welcome)', state: viewRequested, event: { type: 'source-back', connection: 't2', tab: 'tab-1' }, effects: NOTHING },

  // watcher-joined, watcher-left
  { when: 'an agent starts watching', state: sharing, event: { type: 'watcher-joined', connection: 'w1' }, becomes: watched, effects: [{ type: 'watch', connection: 'w1' }] },
  { when: 'a watching agent joins again (after a gap): a resync', state: watched, event: { type: 'watcher-joined', connection: 'w1' }, effects: [{ type: 'watch', connection: 'w1' }] },
  { when: 'watching while the source reloads: the checkpoint shows the page', state: reloading, event: { type: 'watcher-joined', connection: 'w1' }, becomes: { ...reloading, watchers: ['w1'] }, effects: [{ type: 'watch', connection: 'w1' }] },
  { when: 'watching before the visitor agreed: refused', state: viewRequested, event: { type: 'watcher-joined', connection: 'w1' }, refused: 'cobrowse_no_consent' },
  { when: 'watching with nothing shared: refused', state: off, event: { type: 'watcher-joined', connection: 'w1' }, refused: 'cobrowse_no_consent' },
  { when: 'an agent stops watching; sharing goes on', state: watched, event: { type: 'watcher-left', connection: 'w1' }, becomes: sharing, effects: [{ type: 'unwatch', connection: 'w1' }] },
  { when: 'an agent not watching leaves: nothing', state: sharing, event: { type: 'watcher-left', connection: 'w1' }, effects: NOTHING },

  // resolved
  { when: 'the conversation is resolved while only asked: the request is cancelled', state: viewRequested, event: { type: 'resolved', agentName: 'Bo' }, becomes: off, effects: stops(COBROWSE_TEXT.agentCancelled('Bo')) },
  { when: 'the conversation is resolved while shared: co-browse stops', state: controlled, event: { type: 'resolved', agentName: 'Bo' }, becomes: off, effects: stops(COBROWSE_TEXT.agentStopped('Bo')) },
  { when: 'the conversation is resolved with nothing shared: nothing', state: off, event: { type: 'resolved', agentName: 'Bo' }, effects: NOTHING },

  // owner-lost, visitor-moved
  { when: 'the owner node goes down while shared: all off, the connection was lost', state: sharing, event: { type: 'owner-lost' }, becomes: off, effects: stops(COBROWSE_TEXT.lost) },
  { when: 'the owner node goes down while only asked: all off', state: viewRequested, event: { type: 'owner-lost' }, becomes: off, effects: stops(COBROWSE_TEXT.lost) },
  { when: 'the owner node goes down with nothing shared: nothing', state: off, event: { type: 'owner-lost' }, effects: NOTHING },
  { when: 'an identity merge moves the conversation: co-browse follows its new visitor', state: sharing, event: { type: 'visitor-moved', visitorId: 'v2' }, becomes: { ...sharing, visitorId: 'v2' }, effects: NOTHING },
];

describe('cobrowseTransition', () => {
  it.each(RULES)('$when', ({ state, event, refused, becomes, effects }) => {
    const before = structuredClone(state);
    const outcome = cobrowseTransition(state, event, NOW);
    if (refused !== undefined) expect(outcome).toMatchObject({ refused });
    else expect(outcome).toEqual({ state: becomes ?? state, effects });
    // Pure: the state it was given is never changed.
    expect(state).toEqual(before);
  });

  it('refuses anything that needs sharing with the message the visitor’s frames get', () => {
    expect(cobrowseTransition(off, { type: 'watcher-joined', connection: 'w1' }, NOW)).toEqual({ refused: 'cobrowse_no_consent', message: NOT_SHARING });
  });
});

describe('mayForward', () => {
  it.each([
    ['page data from the source tab while shared', sharing, 'events', 't1', null],
    ['page data from another tab', sharing, 'events', 't2', 'cobrowse_no_consent'],
    ['page data before the visitor agreed', viewRequested, 'events', 't1', 'cobrowse_no_consent'],
    ['a pointer while shared', sharing, 'pointer', 'w1', null],
    ['a pointer while the source reloads (dropped by the shell)', reloading, 'pointer', 'w1', null],
    ['a pointer with nothing shared', off, 'pointer', 'w1', 'cobrowse_no_consent'],
    ['control while allowed', controlled, 'control', 'w1', null],
    ['control only asked for', controlRequested, 'control', 'w1', 'cobrowse_no_control'],
    ['control with nothing shared', off, 'control', 'w1', 'cobrowse_no_consent'],
  ] as const)('%s', (_when, state, kind, connection, code) => {
    expect(mayForward(state, kind, connection)?.code ?? null).toBe(code);
  });
});
