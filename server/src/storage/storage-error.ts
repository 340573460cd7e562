/**
 * The errors every Storage implementation throws, so callers can react to a missing record or a
 * uniqueness clash without knowing which driver is underneath.
 */

/** Why a storage call was refused. */
export type StorageErrorCode = 'not_found' | 'conflict';

/** A refused storage call: `not_found` (the record or one it refers to is missing) or `conflict` (a unique key is taken). */
export class StorageError extends Error {
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string) {
    super(message);
    this.name = 'StorageError';
    this.code = code;
  }
}

/** A `not_found` error naming what is missing. */
export function notFound(what: string, id: string): StorageError {
  return new StorageError('not_found', `No ${what} with id ${JSON.stringify(id)}.`);
}

/** A `conflict` error naming the key that is taken. */
export function conflict(what: string): StorageError {
  return new StorageError('conflict', `${what} is already taken.`);
}

/** True when `error` is a StorageError with this code. */
export function isStorageError(error: unknown, code?: StorageErrorCode): error is StorageError {
  return error instanceof StorageError && (code === undefined || error.code === code);
}
