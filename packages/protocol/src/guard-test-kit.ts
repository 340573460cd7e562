/** Shared by the guard tests: parse a frame object as a role would send it, or read its refusal. */
import { ParleyError } from './errors.js';
import { parseClientFrame } from './guards.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';

/** Parses `frame` (serialised as a client would) for `role`. */
export function parseAs(role: 'visitor' | 'agent', frame: Record<string, unknown>, limits: Limits = DEFAULT_LIMITS): unknown {
  return parseClientFrame(JSON.stringify(frame), role, limits);
}

/** The error code `frame` is refused with for `role`, or undefined when it is accepted. */
export function refusalOf(role: 'visitor' | 'agent', frame: Record<string, unknown>, limits: Limits = DEFAULT_LIMITS): string | undefined {
  try {
    parseAs(role, frame, limits);
  } catch (error) {
    if (error instanceof ParleyError) return error.code;
    throw error;
  }
  return undefined;
}
