/**
 * Guards for call and callback frames. SDP and ICE candidates are checked for shape and size
 * only (the peers' own WebRTC stacks parse them); the phone number is checked for its
 * characters here and parsed into E.164 by the relay.
 */
import type { CallSignal } from './call.js';
import { CLIENT_END_REASONS } from './call.js';
import type { AgentFrame, VisitorFrame } from './frames.js';
import { CLIENT_ID, checkId, fail, isObject, type Json } from './guard-primitives.js';
import type { Limits } from './limits.js';

/** Longest SDP accepted (an audio offer with many candidates is a few KiB). */
const MAX_SDP = 16 * 1024;
/** Longest ICE candidate line. */
const MAX_CANDIDATE = 1024;
/** What a typed phone number may hold: digits, spaces, and + ( ) - . / */
const PHONE = /^[0-9+()\-./ ]{3,32}$/;
const COUNTRY = /^[A-Z]{2}$/;
const CALLBACK_STATUSES = ['claimed', 'done', 'unreachable'] as const;
const CALLBACK_FILTERS = ['open', 'all'] as const;

function oneOf<T extends string>(value: unknown, key: string, values: readonly T[]): T {
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) fail(`${key} must be one of ${values.join(', ')}`);
  return value as T;
}

function time(value: unknown, key: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(`${key} must be a time in milliseconds`);
  return value;
}

function parseSignal(value: unknown): CallSignal {
  if (!isObject(value)) fail('signal must be an object');
  const kind = oneOf(value.kind, 'signal.kind', ['offer', 'answer', 'ice'] as const);
  if (kind === 'ice') {
    const { candidate, sdpMid, sdpMLineIndex } = value;
    if (typeof candidate !== 'string' || candidate.length > MAX_CANDIDATE) fail('signal.candidate must be an ICE candidate line');
    if (sdpMid !== null && (typeof sdpMid !== 'string' || sdpMid.length > 64)) fail('signal.sdpMid must be a short string or null');
    if (sdpMLineIndex !== null && (typeof sdpMLineIndex !== 'number' || !Number.isSafeInteger(sdpMLineIndex) || sdpMLineIndex < 0 || sdpMLineIndex > 64)) {
      fail('signal.sdpMLineIndex must be a small whole number or null');
    }
    return { kind, candidate, sdpMid: sdpMid as string | null, sdpMLineIndex: sdpMLineIndex as number | null };
  }
  const sdp = value.sdp;
  if (typeof sdp !== 'string' || sdp.length === 0 || sdp.length > MAX_SDP) fail(`signal.sdp must be an SDP of at most ${MAX_SDP} characters`);
  return { kind, sdp };
}

/** Parses the call frames both roles share; undefined for other types. */
function parseCall(type: string, data: Json): (VisitorFrame & AgentFrame) | undefined {
  switch (type) {
    case 'call.start':
      return { type, conversationId: checkId(data, 'conversationId'), callId: checkId(data, 'callId', CLIENT_ID) };
    case 'call.accept':
    case 'call.decline':
    case 'call.connected':
      return { type, callId: checkId(data, 'callId', CLIENT_ID) };
    case 'call.end':
      return { type, callId: checkId(data, 'callId', CLIENT_ID), reason: oneOf(data.reason, 'reason', CLIENT_END_REASONS) };
    case 'call.signal':
      return { type, callId: checkId(data, 'callId', CLIENT_ID), signal: parseSignal(data.signal) };
    default:
      return undefined;
  }
}

/** Parses a call or callback frame a visitor sent; `type` was already allowed for the role. */
export function parseVisitorCall(type: string, data: Json, limits: Limits): VisitorFrame {
  const call = parseCall(type, data);
  if (call) return call;
  if (type !== 'callback.request') fail(`unknown call frame ${type}`);
  const phone = data.phone;
  if (typeof phone !== 'string' || !PHONE.test(phone.trim())) fail('phone must be a phone number');
  const frame: VisitorFrame = { type, clientId: checkId(data, 'clientId', CLIENT_ID), phone: phone.trim() };
  if (data.conversationId !== undefined) frame.conversationId = checkId(data, 'conversationId');
  if (data.country !== undefined) {
    if (typeof data.country !== 'string' || !COUNTRY.test(data.country)) fail('country must be a two-letter country code');
    frame.country = data.country;
  }
  if (data.window !== undefined) {
    if (!isObject(data.window)) fail('window must be an object');
    const from = time(data.window.from, 'window.from');
    const to = time(data.window.to, 'window.to');
    if (to <= from) fail('window.to must be after window.from');
    frame.window = { from, to };
  }
  if (data.note !== undefined) {
    if (typeof data.note !== 'string') fail('note must be a string');
    const note = data.note.trim();
    if (note.length > limits.maxTextLength) fail(`note is longer than ${limits.maxTextLength} characters`);
    if (note) frame.note = note;
  }
  return frame;
}

/** Parses a call or callback frame an agent sent; `type` was already allowed for the role. */
export function parseAgentCall(type: string, data: Json): AgentFrame {
  const call = parseCall(type, data);
  if (call) return call;
  switch (type) {
    case 'callback.update':
      return { type, callbackId: checkId(data, 'callbackId'), status: oneOf(data.status, 'status', CALLBACK_STATUSES) };
    case 'callback.list':
      return { type, filter: oneOf(data.filter, 'filter', CALLBACK_FILTERS) };
    default:
      fail(`unknown call frame ${type}`);
  }
}
