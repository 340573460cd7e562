import { describe, expect, it } from 'vitest';
import { infoOf, type CallActor, type CallParticipant, type CallState } from './call-state.js';
import { callTransition, type CallEffect, type CallEvent, type CallRefusalCode } from './call-transition.js';
import { CALL_TEXT } from './messages.js';

/** The clock every row runs at. */
const NOW = 100_000;

function actor(connection: string, role: CallActor['role'], subjectId: string, sites: string[] | null): CallActor {
  return { connection, role, subjectId, sites };
}

// The visitor with two tabs, another visitor, agents of the site (Ann with two tabs, Bo), an
// agent of another site (Cy) and an admin (every site).
const tab = actor('v1', 'visitor', 'visitor-1', ['site-1']);
const otherTab = actor('v2', 'visitor', 'visitor-1', ['site-1']);
const stranger = actor('x1', 'visitor', 'visitor-2', ['site-1']);
const ann = actor('a1', 'agent', 'ann', ['site-1']);
const annOtherTab = actor('a2', 'agent', 'ann', ['site-1']);
const bo = actor('b1', 'agent', 'bo', ['site-1']);
const cy = actor('c1', 'agent', 'cy', ['site-2']);
const admin = actor('d1', 'agent', 'dee', null);

const visitorIn: CallParticipant = { subjectId: 'visitor-1', connection: 'v1' };
const annIn: CallParticipant = { subjectId: 'ann', connection: 'a1' };

/** A visitor's call ringing every agent of the site (the conversation waits), with `changes`. */
function call(changes: Partial<CallState> = {}): CallState {
  return {
    callId: 'call-1',
    conversationId: 'conversation-1',
    siteId: 'site-1',
    visitorId: 'visitor-1',
    caller: 'visitor',
    phase: 'ringing',
    agentId: null,
    agentName: null,
    ringAgentId: null,
    declined: [],
    participants: { visitor: visitorIn, agent: null },
    lost: [],
    ringStopped: false,
    startedAt: 1_000,
    answeredAt: null,
    endedAt: null,
    endReason: null,
    endedBy: null,
    ...changes,
  };
}

// The states a call passes through.
const ringing = call();
const ringingAnnDeclined = call({ declined: ['ann'] });
const ringingAssignee = call({ agentId: 'ann', agentName: 'Ann', ringAgentId: 'ann' });
const offered = call({ caller: 'agent', agentId: 'ann', agentName: 'Ann', participants: { visitor: null, agent: annIn } });
const connecting = call({ phase: 'connecting', agentId: 'ann', agentName: 'Ann', answeredAt: 40_000, ringStopped: true, participants: { visitor: visitorIn, agent: annIn } });
const active = { ...connecting, phase: 'active' } satisfies CallState;
const agentLost = { ...active, participants: { visitor: visitorIn, agent: null }, lost: ['agent'] } satisfies CallState;
const ended = { ...active, phase: 'ended', endReason: 'hangup', endedBy: 'visitor', endedAt: 90_000 } satisfies CallState;

const startBy = (who: CallActor, agentId: string | null = null, agentName: string | null = null, callId = 'call-1'): CallEvent => ({
  type: 'start',
  callId,
  conversationId: 'conversation-1',
  siteId: 'site-1',
  visitorId: 'visitor-1',
  actor: who,
  agentId,
  agentName,
});
const accept = (who: CallActor, agentName = 'An agent'): CallEvent => ({ type: 'accept', actor: who, agentName });
const decline = (who: CallActor, agentName = 'An agent', online: string[] = []): CallEvent => ({ type: 'decline', actor: who, agentName, ringing: online });
const connected = (who: CallActor): CallEvent => ({ type: 'connected', actor: who });
const end = (who: CallActor, reason: 'hangup' | 'cancelled' | 'no-microphone' | 'failed', agentName = 'An agent', online: string[] = []): CallEvent => ({
  type: 'end',
  actor: who,
  reason,
  agentName,
  ringing: online,
});

/** The effects of a call ending (for the ringing agents too while it rang): forgotten, told to all, written. */
const ends = (text: string, ringingToo: boolean): CallEffect[] => [
  { type: 'forget' },
  { type: 'deliver', ringing: ringingToo },
  { type: 'line', text },
  { type: 'announce' },
];
const endedAs = (endReason: CallState['endReason'], endedBy: CallState['endedBy']): Partial<CallState> => ({
  phase: 'ended',
  endReason,
  endedBy,
  endedAt: NOW,
  ringStopped: true,
});
const NOTHING: CallEffect[] = [];

/** One rule: in `state`, `event` is refused with `refused`, or yields `state` with `change` and `effects`. */
type Rule = {
  when: string;
  state: CallState | null;
  event: CallEvent;
  refused?: CallRefusalCode;
  /** The whole next state (a new call), instead of `state` with `change`. */
  becomes?: CallState;
  change?: Partial<CallState>;
  effects?: CallEffect[];
};

const RULES: Rule[] = [
  // start
  {
    when: 'a visitor starts a call in a waiting conversation: it rings every agent of the site',
    state: null,
    event: startBy(tab),
    becomes: call({ startedAt: NOW }),
    effects: [{ type: 'ring-timer', run: true }, { type: 'deliver', ringing: true }, { type: 'line', text: CALL_TEXT.started('visitor', '') }, { type: 'announce' }],
  },
  {
    when: 'a visitor starts a call in an assigned conversation: it rings the assignee alone',
    state: null,
    event: startBy(tab, 'ann', 'Ann'),
    becomes: call({ startedAt: NOW, agentId: 'ann', agentName: 'Ann', ringAgentId: 'ann' }),
    effects: [{ type: 'ring-timer', run: true }, { type: 'deliver', ringing: true }, { type: 'line', text: CALL_TEXT.started('visitor', 'Ann') }, { type: 'announce' }],
  },
  {
    when: 'an agent starts a call: it rings the visitor, no agent',
    state: null,
    event: startBy(ann, 'ann', 'Ann'),
    becomes: { ...offered, startedAt: NOW },
    effects: [{ type: 'ring-timer', run: true }, { type: 'deliver', ringing: false }, { type: 'line', text: 'Ann started a call' }, { type: 'announce' }],
  },
  { when: 'the caller’s connection retries its start: it is told the call as it is', state: ringing, event: startBy(tab), change: {}, effects: [{ type: 'reply', connection: 'v1' }] },
  { when: 'another tab starts the same call while it rings: busy', state: ringing, event: startBy(otherTab), refused: 'call_busy' },
  { when: 'a second call in a conversation with a call: busy', state: connecting, event: startBy(ann, 'ann', 'Ann', 'call-2'), refused: 'call_busy' },
  { when: 'a participant starting another call id during its call: busy', state: active, event: startBy(tab, null, null, 'call-2'), refused: 'call_busy' },
  { when: 'a call after the last one ended is a new call', state: ended, event: startBy(tab), becomes: call({ startedAt: NOW }), effects: [{ type: 'ring-timer', run: true }, { type: 'deliver', ringing: true }, { type: 'line', text: CALL_TEXT.started('visitor', '') }, { type: 'announce' }] },

  // accept
  {
    when: 'a ringing agent accepts a visitor’s call: the agent joins, the ringing stops for all, ICE to both, the conversation is taken',
    state: ringing,
    event: accept(ann, 'Ann'),
    change: { phase: 'connecting', agentId: 'ann', agentName: 'Ann', answeredAt: NOW, ringStopped: true, participants: { visitor: visitorIn, agent: annIn } },
    effects: [
      { type: 'ring-timer', run: false },
      { type: 'ice' },
      { type: 'deliver', ringing: true },
      { type: 'line', text: 'Ann answered the call' },
      { type: 'take', agentId: 'ann', agentName: 'Ann' },
      { type: 'announce' },
    ],
  },
  {
    when: 'an admin accepts a visitor’s call of any site',
    state: ringing,
    event: accept(admin, 'Dee'),
    change: { phase: 'connecting', agentId: 'dee', agentName: 'Dee', answeredAt: NOW, ringStopped: true, participants: { visitor: visitorIn, agent: { subjectId: 'dee', connection: 'd1' } } },
    effects: [
      { type: 'ring-timer', run: false },
      { type: 'ice' },
      { type: 'deliver', ringing: true },
      { type: 'line', text: 'Dee answered the call' },
      { type: 'take', agentId: 'dee', agentName: 'Dee' },
      { type: 'announce' },
    ],
  },
  {
    when: 'any tab of the visitor accepts an agent’s call: that tab joins',
    state: offered,
    event: accept(otherTab),
    change: { phase: 'connecting', answeredAt: NOW, ringStopped: true, participants: { visitor: { subjectId: 'visitor-1', connection: 'v2' }, agent: annIn } },
    effects: [{ type: 'ring-timer', run: false }, { type: 'ice' }, { type: 'deliver', ringing: false }, { type: 'line', text: 'The visitor answered the call' }, { type: 'announce' }],
  },
  { when: 'an agent accepts after another accepted: refused', state: connecting, event: accept(bo, 'Bo'), refused: 'call_not_found' },
  { when: 'another tab of the answering agent accepts an active call: refused', state: active, event: accept(annOtherTab, 'Ann'), refused: 'call_not_found' },
  { when: 'the answering connection accepts again: it is told the call as it is', state: connecting, event: accept(ann, 'Ann'), change: {}, effects: [{ type: 'reply', connection: 'a1' }] },
  { when: 'an agent of another site accepts: refused', state: ringing, event: accept(cy, 'Cy'), refused: 'call_not_found' },
  { when: 'an agent accepts the assignee’s call: refused', state: ringingAssignee, event: accept(bo, 'Bo'), refused: 'call_not_found' },
  { when: 'an agent who declined accepts: refused', state: ringingAnnDeclined, event: accept(ann, 'Ann'), refused: 'call_not_found' },
  { when: 'the caller accepts its own call: refused', state: ringing, event: accept(tab), refused: 'call_not_found' },
  { when: 'a visitor accepts a visitor’s call: refused', state: ringing, event: accept(otherTab), refused: 'call_not_found' },
  { when: 'another visitor accepts an agent’s call: refused', state: offered, event: accept(stranger), refused: 'call_not_found' },
  { when: 'an agent accepts an agent’s call: refused', state: offered, event: accept(bo, 'Bo'), refused: 'call_not_found' },

  // decline
  {
    when: 'an agent declines while others still ring: it ends for that agent alone, and the other nodes learn who declined',
    state: ringing,
    event: decline(ann, 'Ann', ['ann', 'bo']),
    change: { declined: ['ann'] },
    effects: [
      { type: 'notify-agent', agentId: 'ann', call: { ...infoOf(ringing, false), phase: 'ended', endReason: 'declined', endedBy: 'agent', endedAt: NOW } },
      { type: 'publish', ringing: true },
    ],
  },
  {
    when: 'the last ringing agent (online on any node) declines: it ends declined',
    state: ringingAnnDeclined,
    event: decline(bo, 'Bo', ['ann', 'bo']),
    change: { ...endedAs('declined', 'agent'), declined: ['ann', 'bo'] },
    effects: ends('Bo declined the call', true),
  },
  {
    when: 'the assignee declines: it ends declined, whoever else is online',
    state: ringingAssignee,
    event: decline(ann, 'Ann', ['ann', 'bo']),
    change: { ...endedAs('declined', 'agent'), declined: ['ann'] },
    effects: ends('Ann declined the call', true),
  },
  { when: 'the visitor declines an agent’s call: it ends declined', state: offered, event: decline(otherTab), change: endedAs('declined', 'visitor'), effects: ends('The visitor declined the call', false) },
  { when: 'an agent declines an answered call: refused', state: connecting, event: decline(bo, 'Bo', ['bo']), refused: 'call_not_found' },
  { when: 'the caller declines its own call: refused', state: ringing, event: decline(tab), refused: 'call_not_found' },
  { when: 'an agent declines twice: refused', state: ringingAnnDeclined, event: decline(ann, 'Ann', ['ann', 'bo']), refused: 'call_not_found' },

  // connected
  { when: 'a participant’s media connects: active, told to all', state: connecting, event: connected(tab), change: { phase: 'active' }, effects: [{ type: 'deliver', ringing: false }] },
  { when: 'media connects again once active: nothing', state: active, event: connected(ann), change: {}, effects: NOTHING },
  { when: 'the caller reports media while it rings: nothing', state: ringing, event: connected(tab), change: {}, effects: NOTHING },
  { when: 'a non-participant reports media: refused', state: connecting, event: connected(bo), refused: 'call_not_found' },

  // end
  { when: 'the caller hangs up while it rings: cancelled', state: ringing, event: end(tab, 'hangup'), change: endedAs('cancelled', 'visitor'), effects: ends(CALL_TEXT.cancelled, true) },
  { when: 'the agent cancels its own ringing call', state: offered, event: end(ann, 'cancelled'), change: endedAs('cancelled', 'agent'), effects: ends(CALL_TEXT.cancelled, false) },
  {
    when: 'a participant hangs up once answered: hangup, with its duration',
    state: connecting,
    event: end(ann, 'hangup'),
    change: endedAs('hangup', 'agent'),
    effects: ends(CALL_TEXT.hungUp(NOW - 40_000), false),
  },
  { when: '"cancelled" once answered means hung up', state: active, event: end(tab, 'cancelled'), change: endedAs('hangup', 'visitor'), effects: ends(CALL_TEXT.hungUp(NOW - 40_000), false) },
  { when: 'a participant’s call fails', state: active, event: end(tab, 'failed'), change: endedAs('failed', 'visitor'), effects: ends(CALL_TEXT.failed, false) },
  { when: 'another tab of an agent whose connection dropped ends it', state: agentLost, event: end(annOtherTab, 'hangup'), change: endedAs('hangup', 'agent'), effects: ends(CALL_TEXT.hungUp(NOW - 40_000), false) },
  { when: 'another visitor ends a call whose agent dropped: refused', state: agentLost, event: end(stranger, 'hangup'), refused: 'call_not_found' },
  { when: 'the visitor’s other tab ends a call whose visitor is still there: refused', state: active, event: end(otherTab, 'hangup'), refused: 'call_not_found' },
  { when: 'a ringing tab without a microphone ends an agent’s call: no-microphone', state: offered, event: end(otherTab, 'no-microphone'), change: endedAs('no-microphone', 'visitor'), effects: ends(CALL_TEXT.noMicrophone, false) },
  { when: 'a ringing tab hanging up an agent’s call declines it', state: offered, event: end(otherTab, 'hangup'), change: endedAs('declined', 'visitor'), effects: ends('The visitor declined the call', false) },
  {
    when: 'a ringing agent ending a visitor’s call declines it',
    state: ringingAnnDeclined,
    event: end(bo, 'hangup', 'Bo', ['ann', 'bo']),
    change: { ...endedAs('declined', 'agent'), declined: ['ann', 'bo'] },
    effects: ends('Bo declined the call', true),
  },
  { when: 'an agent not in an answered call ends it: refused', state: connecting, event: end(bo, 'hangup'), refused: 'call_not_found' },
  { when: 'a call ended twice: the second is refused, nothing changes', state: ended, event: end(tab, 'hangup'), refused: 'call_not_found' },

  // ring-expired
  { when: 'nobody answers in time: missed, for the ringing agents too', state: ringing, event: { type: 'ring-expired' }, change: endedAs('missed', null), effects: ends(CALL_TEXT.missed, true) },
  { when: 'the visitor does not answer an agent’s call in time: missed', state: offered, event: { type: 'ring-expired' }, change: endedAs('missed', null), effects: ends(CALL_TEXT.missed, false) },
  { when: 'the ring timer of an answered call: nothing', state: connecting, event: { type: 'ring-expired' }, change: {}, effects: NOTHING },

  // participant-left
  { when: 'a participant connection closes: its side is lost, the rejoin timer starts', state: active, event: { type: 'participant-left', connection: 'a1' }, change: { participants: { visitor: visitorIn, agent: null }, lost: ['agent'] }, effects: [{ type: 'rejoin-timer' }] },
  { when: 'the caller’s connection closes while it rings', state: ringing, event: { type: 'participant-left', connection: 'v1' }, change: { participants: { visitor: null, agent: null }, lost: ['visitor'] }, effects: [{ type: 'rejoin-timer' }] },
  { when: 'the other participant closes too: the rejoin timer runs once', state: agentLost, event: { type: 'participant-left', connection: 'v1' }, change: { participants: { visitor: null, agent: null }, lost: ['agent', 'visitor'] }, effects: NOTHING },
  { when: 'a connection that is not a participant closes: nothing', state: active, event: { type: 'participant-left', connection: 'a2' }, change: {}, effects: NOTHING },

  // rejoin-expired
  { when: 'a lost side does not come back in time: disconnected', state: agentLost, event: { type: 'rejoin-expired' }, change: endedAs('disconnected', null), effects: ends(CALL_TEXT.disconnected, false) },
  { when: 'the rejoin timer with no side lost: nothing', state: active, event: { type: 'rejoin-expired' }, change: {}, effects: NOTHING },

  // owner-lost
  { when: 'the owner node of a ringing call goes down: disconnected, the ringing agents told', state: ringing, event: { type: 'owner-lost' }, change: endedAs('disconnected', null), effects: ends(CALL_TEXT.disconnected, true) },
  { when: 'the owner node of an active call goes down: disconnected', state: active, event: { type: 'owner-lost' }, change: endedAs('disconnected', null), effects: ends(CALL_TEXT.disconnected, false) },

  // visitor-moved
  { when: 'an identity merge moves the conversation: the call follows its new visitor', state: ringing, event: { type: 'visitor-moved', visitorId: 'visitor-9' }, change: { visitorId: 'visitor-9' }, effects: NOTHING },
];

/** Every event but `start`, as some connection or timer would send it. */
const LATER_EVENTS: CallEvent[] = [
  accept(ann, 'Ann'),
  decline(ann, 'Ann', ['ann']),
  connected(tab),
  end(tab, 'hangup'),
  { type: 'ring-expired' },
  { type: 'participant-left', connection: 'v1' },
  { type: 'rejoin-expired' },
  { type: 'owner-lost' },
  { type: 'visitor-moved', visitorId: 'visitor-9' },
];

describe('callTransition', () => {
  it.each(RULES)('$when', ({ state, event, refused, becomes, change, effects }) => {
    const before = structuredClone(state);
    const outcome = callTransition(state, event, NOW);
    if (refused !== undefined) {
      expect(outcome).toMatchObject({ refused });
    } else {
      expect(outcome).toEqual({ state: becomes ?? { ...state, ...change }, effects });
    }
    // Pure: the state it was given is never changed.
    expect(state).toEqual(before);
  });

  it.each(LATER_EVENTS.map((event) => [event.type, event] as const))('refuses %s when there is no call', (_type, event) => {
    expect(callTransition(null, event, NOW)).toEqual({ refused: 'call_not_found' });
  });

  it.each(LATER_EVENTS.map((event) => [event.type, event] as const))('changes nothing of an ended call on %s (a frame finds no call)', (_type, event) => {
    const outcome = callTransition(ended, event, NOW);
    if ('actor' in event) expect(outcome).toEqual({ refused: 'call_not_found' });
    else expect(outcome).toEqual({ state: ended, effects: [] });
  });

  it('keeps every state plain data: it survives a trip through JSON', () => {
    let state = callTransition(null, startBy(tab), NOW);
    if ('refused' in state) throw new Error('refused');
    state = callTransition(state.state, accept(ann, 'Ann'), NOW + 1);
    if ('refused' in state) throw new Error('refused');
    expect(JSON.parse(JSON.stringify(state.state))).toEqual(state.state);
  });
});
