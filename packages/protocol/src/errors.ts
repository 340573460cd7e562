/**
 * The error catalog: every error the relay reports has a stable string code. Codes with a close
 * code end the connection with it; the others arrive as an `error` frame and the connection
 * stays open (until `maxErrors` refused frames, which closes with 4008).
 */
export const ERROR_CATALOG = {
  bad_json: { close: null, message: 'The frame is not valid JSON.' },
  bad_frame: { close: null, message: 'The frame does not have the shape its type requires.' },
  unknown_type: { close: null, message: 'The frame type is not known.' },
  hello_required: { close: 4002, message: 'The first frame must be hello.' },
  version_mismatch: { close: 4000, message: 'The client speaks another protocol version.' },
  hello_timeout: { close: 4003, message: 'No hello frame arrived in time.' },
  frame_too_large: { close: 1009, message: 'The frame is larger than the relay accepts.' },
  text_too_long: { close: null, message: 'The message is longer than the relay accepts.' },
  rate_limited: { close: null, message: 'Too many frames; slow down.' },
  flood: { close: 4029, message: 'Frames kept arriving faster than allowed; the connection was closed.' },
  too_many_errors: { close: 4008, message: 'Too many refused frames; the connection was closed.' },
  forbidden: { close: null, message: 'This action is not allowed for this connection.' },
  not_found: { close: null, message: 'No such conversation.' },
  identity_invalid: { close: null, message: 'The user hash does not match the user id.' },
  unauthorized: { close: 4001, message: 'The token is missing, invalid or expired.' },
  slow_consumer: { close: 4009, message: 'The connection fell too far behind; reconnect to resume.' },
  shutting_down: { close: 1001, message: 'The relay is restarting; reconnect to resume.' },
  draining: { close: 1012, message: 'This relay node is restarting; reconnect now to resume on another.' },
  sites_changed: { close: 4010, message: 'The sites this agent serves changed; reconnect to see them.' },
  cobrowse_no_consent: { close: null, message: 'The visitor is not sharing this page; nothing was forwarded.' },
  cobrowse_no_control: { close: null, message: 'The visitor has not allowed remote control.' },
  call_busy: { close: null, message: 'A call is already under way in this conversation.' },
  call_not_found: { close: null, message: 'No such call, or it has ended.' },
  phone_invalid: { close: null, message: 'That phone number is not valid; include the country code, e.g. +44 20 7123 4567.' },
  conflict: { close: null, message: 'The conversation changed at the same moment (on another relay node, say); nothing was written: look again and retry.' },
  unavailable: { close: null, message: 'The relay cannot reach its database right now; nothing was stored: retry in a few seconds.' },
  internal: { close: null, message: 'The relay could not complete the action; nothing was lost, retry.' },
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CATALOG;

/** WebSocket close codes the relay uses, by meaning. */
export const CLOSE_CODES = {
  goingAway: 1001,
  /** The relay failed to handle a `hello` for a reason of its own (not an outage); reconnect with backoff. */
  internalError: 1011,
  serviceRestart: 1012,
  tryAgainLater: 1013,
  tooLarge: 1009,
  versionMismatch: 4000,
  unauthorized: 4001,
  helloRequired: 4002,
  helloTimeout: 4003,
  tooManyErrors: 4008,
  slowConsumer: 4009,
  sitesChanged: 4010,
  flood: 4029,
} as const;

/**
 * Refusals of a frame that say nothing about the frame itself: the same frame, sent again as it
 * is (same client id) a little later, may well succeed. A client keeps such a message pending.
 */
export const RETRYABLE_ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['rate_limited', 'unavailable', 'internal']);

/** Close codes after which a client must not reconnect without a change (new token, new build). */
export const FATAL_CLOSE_CODES: readonly number[] = [4000, 4001];

/** True when `code` is a known error code. */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CATALOG, code);
}

/** An error that carries its stable code; thrown by guards and broker actions. */
export class ParleyError extends Error {
  readonly code: ErrorCode;
  /** The close code, when this error ends the connection. */
  readonly close: number | null;

  constructor(code: ErrorCode, message: string = ERROR_CATALOG[code].message) {
    super(message);
    this.name = 'ParleyError';
    this.code = code;
    this.close = ERROR_CATALOG[code].close;
  }
}
