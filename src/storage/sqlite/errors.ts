import { StoreError } from '../store.js';

// SQLite result codes (https://sqlite.org/rescode.html) that mean "cannot store right now":
// another process holds the lock too long, the disk is full, or the file cannot be written.
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY|PROTOCOL|NOLFS|AUTH)/;
const CORRUPT = /^SQLITE_(CORRUPT|NOTADB)/;

/** Turns a driver error into the store's error vocabulary; anything else passes through. */
export function asStoreError(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return error;
  if (UNAVAILABLE.test(code)) return new StoreError('unavailable', `SQLite cannot store right now (${code})`, { cause: error });
  if (CORRUPT.test(code)) return new StoreError('corrupt', `The SQLite file is damaged (${code})`, { cause: error });
  return error;
}

/** Runs a database call, its errors translated by asStoreError. */
export function withStoreErrors<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw asStoreError(error);
  }
}
