/** The small checks every guard is built from. */
import { ParleyError } from './errors.js';

/** A parsed JSON object, not yet trusted. */
export type Json = Record<string, unknown>;

/** Client ids are nanoid-like: 8 to 64 URL-safe characters. */
export const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;
/** Conversation, visitor and agent ids the relay issues. */
export const ENTITY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Refuses the frame with `bad_frame`. */
export function fail(message: string): never {
  throw new ParleyError('bad_frame', message);
}

/** True for a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads an id field that must match `pattern`. */
export function checkId(frame: Json, key: string, pattern = ENTITY_ID): string {
  const value = frame[key];
  if (typeof value !== 'string' || !pattern.test(value)) fail(`${key} is not a valid id`);
  return value;
}
