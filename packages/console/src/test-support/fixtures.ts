/**
 * Typed wire fixtures for the console's tests: readable defaults, override what a test is about.
 */
import type {
  AgentProfile,
  CallInfo,
  Callback,
  CobrowseStatus,
  ConversationDetailFrame,
  ConversationSummary,
  Message,
  VisitorProfile,
  WelcomeFrame,
} from '@parley/protocol';
import { cobrowseOff } from '@parley/protocol';

/** The signed-in agent of the fixtures. */
export const ME: AgentProfile = { id: 'agent-me', email: 'me@example.com', name: 'Mina', role: 'agent' };

/** A conversation summary; waiting (open, unassigned) with one visitor message by default. */
export function conversation(overrides: Partial<ConversationSummary> = {}): ConversationSummary {
  const c: ConversationSummary = {
    id: 'c1',
    siteId: 's1',
    visitorId: 'v1abcdef',
    status: 'open',
    assigneeId: null,
    assigneeName: null,
    createdAt: 1_000,
    updatedAt: 2_000,
    lastSeq: 1,
    lastMessage: { text: 'Hello?', author: 'visitor', at: 2_000 },
    visitorName: null,
    visitorReadSeq: 0,
    agentReadSeq: 0,
    ...overrides,
  };
  // The last message is as recent as the conversation unless the test says otherwise.
  if (!('lastMessage' in overrides) && c.lastMessage) c.lastMessage = { ...c.lastMessage, at: c.updatedAt };
  return c;
}

/** A visitor message at `seq` of conversation c1. */
export function message(seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    clientId: `client-${String(seq).padStart(4, '0')}`,
    author: 'visitor',
    authorId: 'v1abcdef',
    text: `message ${seq}`,
    at: 1_000 + seq,
    ...overrides,
  };
}

/** An anonymous visitor profile. */
export function visitor(overrides: Partial<VisitorProfile> = {}): VisitorProfile {
  return {
    id: 'v1abcdef',
    siteId: 's1',
    userId: null,
    name: null,
    email: null,
    verified: false,
    attributes: {},
    browser: 'Chrome 131',
    os: 'macOS',
    language: 'en-US',
    currentPage: null,
    online: true,
    firstSeenAt: 500,
    lastSeenAt: 2_000,
    ...overrides,
  };
}

/** A welcome for agent ME listing `conversations`. */
export function welcome(conversations: ConversationSummary[] = []): WelcomeFrame {
  return { type: 'welcome', v: 1, role: 'agent', agent: ME, conversations, agentsOnline: 1, serverTime: 3_000 };
}

/** The co-browse state of conversation c1 as an agent sees it; off by default. */
export function cobrowseStatus(overrides: Partial<CobrowseStatus> = {}): CobrowseStatus {
  return { ...cobrowseOff('c1'), live: false, ...overrides };
}

/** A call of conversation c1 the visitor started, ringing for this agent, by default. */
export function callInfo(overrides: Partial<CallInfo> = {}): CallInfo {
  return {
    callId: 'call-0000000001',
    conversationId: 'c1',
    caller: 'visitor',
    phase: 'ringing',
    agentId: null,
    agentName: null,
    startedAt: 4_000,
    answeredAt: null,
    endedAt: null,
    endReason: null,
    endedBy: null,
    mine: false,
    ...overrides,
  };
}

/** A callback request of the visitor of c1, not yet claimed, by default. */
export function callback(overrides: Partial<Callback> = {}): Callback {
  return {
    id: 'cb1',
    conversationId: 'c1',
    visitorId: 'v1abcdef',
    phone: '+442071234567',
    window: null,
    note: null,
    status: 'requested',
    agentId: null,
    agentName: null,
    createdAt: 3_000,
    updatedAt: 3_000,
    ...overrides,
  };
}

/** A `conversation.detail` of conversation c1: no messages, pages, events or past, co-browse off. */
export function conversationDetail(overrides: Partial<ConversationDetailFrame> = {}): ConversationDetailFrame {
  return {
    type: 'conversation.detail',
    conversation: conversation(),
    messages: [],
    visitor: visitor(),
    pages: [],
    events: [],
    past: [],
    cobrowse: cobrowseStatus(),
    ...overrides,
  };
}
