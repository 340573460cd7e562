/**
 * How driver errors become the store's StorageErrors. Only the constraints the Storage contract
 * names are translated (a taken unique key, a missing referenced record); anything else is a
 * fault of the store itself and passes through unchanged.
 */
import BetterSqlite3 from 'better-sqlite3';
import { StorageError } from './storage-error.js';

/** Turns a driver error into a StorageError when it is a constraint the contract names (`missing` names the referenced record). */
export function translateSqliteError(error: unknown, missing: string): unknown {
  if (!(error instanceof BetterSqlite3.SqliteError)) return error;
  switch (error.code) {
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      return new StorageError('conflict', `A unique key is already taken (${error.message}).`);
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return new StorageError('not_found', `No such ${missing}.`);
    default:
      return error;
  }
}

/** Runs `write`, turning constraint failures into StorageErrors (`missing` names the referenced record). */
export function guarded<T>(missing: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    throw translateSqliteError(error, missing);
  }
}
