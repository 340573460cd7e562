/**
 * Guards for co-browse frames. Page data (`cobrowse.events`) is checked for shape and size only:
 * the relay forwards its JSON text untouched, and the console's viewer validates what it
 * replays. Node ids and positions are checked for range, since the visitor's page acts on them.
 */
import type { CobrowseAction, CobrowsePointerKind, CobrowseScope } from './cobrowse.js';
import { COBROWSE_SCOPES } from './cobrowse.js';
import type { AgentFrame, VisitorFrame } from './frames.js';
import type { Limits } from './limits.js';
import { checkId, fail, type Json } from './guard-primitives.js';

/** Stream, request and tab ids are nanoid-like. */
const TOKEN_ID = /^[A-Za-z0-9_-]{8,64}$/;
const POINTER_KINDS: readonly CobrowsePointerKind[] = ['pointer', 'highlight'];
const ACTIONS: readonly CobrowseAction[] = ['click', 'scroll', 'input'];
/** Most parts one split batch may have (a full snapshot of 8 MiB in 64 KiB frames is 128). */
const MAX_PARTS = 1024;
/** Largest scroll offset accepted, in CSS pixels. */
const MAX_SCROLL = 10_000_000;

function oneOf<T extends string>(frame: Json, key: string, values: readonly T[]): T {
  const value = frame[key];
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
    fail(`${key} must be one of ${values.join(', ')}`);
  }
  return value as T;
}

function whole(frame: Json, key: string, max: number, min = 0): number {
  const value = frame[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    fail(`${key} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function between(frame: Json, key: string, min: number, max: number): number {
  const value = frame[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail(`${key} must be a number from ${min} to ${max}`);
  }
  return value;
}

/** Parses a co-browse frame a visitor sent; `type` was already allowed for the role. */
export function parseVisitorCobrowse(type: string, data: Json, limits: Limits): VisitorFrame {
  const conversationId = checkId(data, 'conversationId');
  switch (type) {
    case 'cobrowse.consent': {
      const granted = data.granted;
      if (typeof granted !== 'boolean') fail('granted must be true or false');
      return {
        type,
        conversationId,
        requestId: checkId(data, 'requestId', TOKEN_ID),
        granted,
        tab: checkId(data, 'tab', TOKEN_ID),
      };
    }
    case 'cobrowse.end':
      return { type, conversationId, scope: oneOf<CobrowseScope>(data, 'scope', COBROWSE_SCOPES) };
    case 'cobrowse.events': {
      const frame: VisitorFrame = {
        type,
        conversationId,
        stream: checkId(data, 'stream', TOKEN_ID),
        seq: whole(data, 'seq', Number.MAX_SAFE_INTEGER),
        data: '',
      };
      if (data.full !== undefined) {
        if (typeof data.full !== 'boolean') fail('full must be true or false');
        frame.full = data.full;
      }
      if (data.parts !== undefined || data.part !== undefined) {
        frame.parts = whole(data, 'parts', MAX_PARTS, 1);
        frame.part = whole(data, 'part', frame.parts - 1);
      }
      const text = data.data;
      // The frame as a whole is already within maxFrameBytes; this only refuses an empty batch.
      if (typeof text !== 'string' || text.length === 0 || text.length > limits.maxFrameBytes) {
        fail('data must be the JSON text of rrweb events');
      }
      frame.data = text;
      return frame;
    }
    default:
      fail(`unknown co-browse frame ${type}`);
  }
}

/** Parses a co-browse frame an agent sent; `type` was already allowed for the role. */
export function parseAgentCobrowse(type: string, data: Json, limits: Limits): AgentFrame {
  const conversationId = checkId(data, 'conversationId');
  switch (type) {
    case 'cobrowse.request':
    case 'cobrowse.end':
      return { type, conversationId, scope: oneOf<CobrowseScope>(data, 'scope', COBROWSE_SCOPES) };
    case 'cobrowse.join':
    case 'cobrowse.leave':
      return { type, conversationId };
    case 'cobrowse.pointer':
      return {
        type,
        conversationId,
        kind: oneOf(data, 'kind', POINTER_KINDS),
        node: whole(data, 'node', 2 ** 31, 1),
        x: between(data, 'x', 0, 1),
        y: between(data, 'y', 0, 1),
      };
    case 'cobrowse.control': {
      const action = oneOf(data, 'action', ACTIONS);
      const frame: AgentFrame = { type, conversationId, action, node: whole(data, 'node', 2 ** 31, 1) };
      if (action === 'scroll') {
        frame.x = between(data, 'x', 0, MAX_SCROLL);
        frame.y = between(data, 'y', 0, MAX_SCROLL);
      } else if (action === 'click') {
        if (data.x !== undefined || data.y !== undefined) {
          frame.x = between(data, 'x', 0, 1);
          frame.y = between(data, 'y', 0, 1);
        }
      } else {
        const value = data.value;
        if (typeof value !== 'string') fail('value must be a string');
        // An empty value clears the field, so only the length is checked here.
        if (value.length > limits.maxTextLength) fail(`value is longer than ${limits.maxTextLength} characters`);
        frame.value = value;
      }
      return frame;
    }
    default:
      fail(`unknown co-browse frame ${type}`);
  }
}
