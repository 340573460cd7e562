/**
 * Guards: every inbound frame is checked here before anything uses it. A frame that fails a
 * check is refused with a stable error code; nothing about it is trusted.
 */
import { ParleyError } from './errors.js';
import type { AgentFrame, ClientFrame, InboxView, VisitorFrame } from './frames.js';
import { INBOX_VIEWS, MAX_INBOX_FETCH } from './frames.js';
import type { Limits } from './limits.js';
import type { Attributes } from './model.js';
import { parseAgentCall, parseVisitorCall } from './call-guards.js';
import { parseAgentCobrowse, parseVisitorCobrowse } from './cobrowse-guards.js';
import { CLIENT_ID, ENTITY_ID, checkId as id, fail, isObject, type Json } from './guard-primitives.js';

/** Event names and attribute keys. */
const KEY = /^[A-Za-z0-9_.:$ -]{1,64}$/;

function str(frame: Json, key: string, max: number, optional = false): string | undefined {
  const value = frame[key];
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string') fail(`${key} must be a string`);
  if (value.length > max) fail(`${key} is longer than ${max} characters`);
  return value;
}

function seq(frame: Json, key: string): number {
  const value = frame[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(`${key} must be a whole number >= 0`);
  }
  return value;
}

/** A list of 1 to `max` entity ids, each once. */
function idList(frame: Json, key: string, max: number): string[] {
  const value = frame[key];
  if (!Array.isArray(value) || value.length === 0 || value.length > max) fail(`${key} must be a list of 1 to ${max} ids`);
  for (const item of value) if (typeof item !== 'string' || !ENTITY_ID.test(item)) fail(`${key} holds an id that is not valid`);
  return [...new Set(value as string[])];
}

function bool(frame: Json, key: string): boolean {
  const value = frame[key];
  if (typeof value !== 'boolean') fail(`${key} must be true or false`);
  return value;
}

/** Checks a flat object of attribute values (string, number, boolean, null). */
export function parseAttributes(value: unknown, limits: Limits, key = 'attributes'): Attributes {
  if (!isObject(value)) fail(`${key} must be an object`);
  const entries = Object.entries(value);
  if (entries.length > limits.maxProps) fail(`${key} has more than ${limits.maxProps} entries`);
  const out: Attributes = {};
  for (const [name, v] of entries) {
    if (!KEY.test(name)) fail(`${key} has an invalid key`);
    if (typeof v === 'string') {
      if (v.length > limits.maxFieldLength) fail(`${key}.${name} is too long`);
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) fail(`${key}.${name} must be a finite number`);
    } else if (typeof v !== 'boolean' && v !== null) {
      fail(`${key}.${name} must be a string, number, boolean or null`);
    }
    out[name] = v;
  }
  return out;
}

/** Checks a chat message text: a non-blank string within `maxTextLength`. Returns it trimmed. */
export function checkText(value: unknown, limits: Limits): string {
  if (typeof value !== 'string') fail('text must be a string');
  const text = value.trim();
  if (text.length === 0) fail('text is empty');
  if (text.length > limits.maxTextLength) {
    throw new ParleyError('text_too_long', `text is longer than ${limits.maxTextLength} characters`);
  }
  return text;
}

function parseHello(f: Json, limits: Limits): ClientFrame {
  const v = f.v;
  if (typeof v !== 'number') fail('v must be the protocol version number');
  const out: { type: 'hello'; v: number } & Record<string, unknown> = { type: 'hello', v };
  if (f.resume !== undefined) {
    if (!isObject(f.resume)) fail('resume must be an object');
    const points = Object.entries(f.resume);
    if (points.length > limits.maxResume) fail(`resume names more than ${limits.maxResume} conversations`);
    const resume: Record<string, number> = {};
    for (const [conversationId, last] of points) {
      if (!ENTITY_ID.test(conversationId)) fail('resume names an invalid conversation id');
      if (typeof last !== 'number' || !Number.isSafeInteger(last) || last < 0) fail('resume seq must be >= 0');
      resume[conversationId] = last;
    }
    out.resume = resume;
  }
  if (f.page !== undefined) {
    if (!isObject(f.page)) fail('page must be an object');
    out.page = {
      url: str(f.page, 'url', limits.maxFieldLength * 4),
      title: str(f.page, 'title', limits.maxFieldLength),
      referrer: str(f.page, 'referrer', limits.maxFieldLength * 4, true),
    };
  }
  if (f.language !== undefined) out.language = str(f, 'language', 35);
  if (f.tab !== undefined) out.tab = id(f, 'tab', CLIENT_ID);
  return out as unknown as ClientFrame;
}

function parseInboxView(value: unknown): InboxView {
  if (typeof value !== 'string' || !(INBOX_VIEWS as readonly string[]).includes(value)) {
    fail(`view must be one of ${INBOX_VIEWS.join(', ')}`);
  }
  return value as InboxView;
}

/** Frame types each role may send; anything else is `unknown_type` for that role. */
const VISITOR_TYPES = new Set<string>([
  'hello', 'chat.send', 'chat.typing', 'chat.read', 'chat.sync',
  'visitor.identify', 'visitor.page', 'visitor.track', 'ping',
  'cobrowse.consent', 'cobrowse.end', 'cobrowse.events',
  'call.start', 'call.accept', 'call.decline', 'call.connected', 'call.end', 'call.signal', 'callback.request',
]);
const AGENT_TYPES = new Set<string>([
  'hello', 'chat.send', 'chat.typing', 'chat.read', 'chat.sync', 'conversation.open',
  'conversation.assign', 'conversation.resolve', 'conversation.reopen', 'inbox.list', 'inbox.fetch', 'ping',
  'cobrowse.request', 'cobrowse.end', 'cobrowse.join', 'cobrowse.leave', 'cobrowse.pointer', 'cobrowse.control',
  'call.start', 'call.accept', 'call.decline', 'call.connected', 'call.end', 'call.signal', 'callback.update', 'callback.list',
]);

/**
 * Parses and validates one inbound text frame for a connection of the given role.
 * Returns a frame holding only the known, checked fields; throws `ParleyError` with
 * `bad_json`, `bad_frame`, `unknown_type` or `text_too_long` otherwise.
 */
export function parseClientFrame(raw: string, role: 'visitor', limits: Limits): VisitorFrame;
export function parseClientFrame(raw: string, role: 'agent', limits: Limits): AgentFrame;
export function parseClientFrame(raw: string, role: 'visitor' | 'agent', limits: Limits): ClientFrame;
export function parseClientFrame(raw: string, role: 'visitor' | 'agent', limits: Limits): ClientFrame {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new ParleyError('bad_json');
  }
  if (!isObject(data)) fail('a frame must be a JSON object');
  const type = data.type;
  if (typeof type !== 'string') fail('type must be a string');
  const allowed = role === 'visitor' ? VISITOR_TYPES : AGENT_TYPES;
  if (!allowed.has(type)) throw new ParleyError('unknown_type', `unknown frame type for a ${role}: ${type.slice(0, 40)}`);

  if (type.startsWith('call')) {
    return role === 'visitor' ? parseVisitorCall(type, data, limits) : parseAgentCall(type, data);
  }
  if (type.startsWith('cobrowse.')) {
    return role === 'visitor' ? parseVisitorCobrowse(type, data, limits) : parseAgentCobrowse(type, data, limits);
  }
  switch (type) {
    case 'hello':
      return parseHello(data, limits);
    case 'chat.send': {
      const frame = { type, clientId: id(data, 'clientId', CLIENT_ID), text: '' } as {
        type: 'chat.send'; clientId: string; conversationId?: string; text: string;
      };
      if (data.conversationId !== undefined || role === 'agent') frame.conversationId = id(data, 'conversationId');
      frame.text = checkText(data.text, limits);
      return frame;
    }
    case 'chat.typing':
      return { type, conversationId: id(data, 'conversationId'), typing: bool(data, 'typing') };
    case 'chat.read':
      return { type, conversationId: id(data, 'conversationId'), seq: seq(data, 'seq') };
    case 'chat.sync':
      return { type, conversationId: id(data, 'conversationId'), afterSeq: seq(data, 'afterSeq') };
    case 'visitor.identify': {
      const max = limits.maxFieldLength;
      const frame: VisitorFrame = {
        type,
        userId: str(data, 'userId', max, true),
        userHash: str(data, 'userHash', 128, true),
        name: str(data, 'name', max, true),
        email: str(data, 'email', max, true),
      };
      if (frame.userHash !== undefined && frame.userId === undefined) fail('userHash needs userId');
      if (data.attributes !== undefined) frame.attributes = parseAttributes(data.attributes, limits);
      return frame;
    }
    case 'visitor.page':
      return {
        type,
        url: str(data, 'url', limits.maxFieldLength * 4)!,
        title: str(data, 'title', limits.maxFieldLength)!,
        referrer: str(data, 'referrer', limits.maxFieldLength * 4, true),
      };
    case 'visitor.track': {
      const event = data.event;
      if (typeof event !== 'string' || !KEY.test(event)) fail('event must be a name of 1 to 64 characters');
      const frame: VisitorFrame = { type, event };
      if (data.props !== undefined) frame.props = parseAttributes(data.props, limits, 'props');
      return frame;
    }
    case 'conversation.open':
    case 'conversation.resolve':
    case 'conversation.reopen':
      return { type, conversationId: id(data, 'conversationId') };
    case 'conversation.assign': {
      const frame: AgentFrame = { type, conversationId: id(data, 'conversationId') };
      if (data.agentId !== undefined) frame.agentId = id(data, 'agentId');
      return frame;
    }
    case 'inbox.list': {
      const frame: AgentFrame = { type, view: parseInboxView(data.view) };
      if (data.before !== undefined) frame.before = seq(data, 'before');
      return frame;
    }
    case 'inbox.fetch':
      return { type, conversationIds: idList(data, 'conversationIds', MAX_INBOX_FETCH) };
    case 'ping': {
      const t = data.t;
      return typeof t === 'number' && Number.isFinite(t) ? { type, t } : { type };
    }
    default:
      throw new ParleyError('unknown_type');
  }
}
