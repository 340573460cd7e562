/**
 * The Parley wire protocol: the one definition of every frame, limit and error code, shared by
 * the widget, the console and the relay. Imports nothing.
 */
export { PROTOCOL_VERSION } from './version.js';
export { DEFAULT_LIMITS } from './limits.js';
export type { Limits } from './limits.js';
export { ERROR_CATALOG, CLOSE_CODES, FATAL_CLOSE_CODES, RETRYABLE_ERROR_CODES, ParleyError, isErrorCode } from './errors.js';
export type { ErrorCode } from './errors.js';
export { PREVIEW_LENGTH, ROLES, previewText } from './model.js';
export type * from './model.js';
export { INBOX_VIEWS, MAX_INBOX_FETCH } from './frames.js';
export type * from './frames.js';
export { parseClientFrame, parseAttributes, checkText } from './guards.js';
export { cobrowseOff, COBROWSE_SCOPES, COBROWSE_STREAM_TYPES, COBROWSE_MASK, COBROWSE_BLOCK_SELECTOR, COBROWSE_MASK_TEXT_SELECTOR } from './cobrowse.js';
export type * from './cobrowse.js';
export { CALL_QUALITY_THRESHOLDS, CLIENT_END_REASONS, formatCallDuration, gradeCallQuality } from './call.js';
export type * from './call.js';
