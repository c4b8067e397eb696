import Database from 'better-sqlite3';
import { withStoreErrors } from './errors.js';

export interface ConnectionOptions {
  /** Hears the text of every statement SQLite runs (tests count queries with it). */
  readonly onStatement?: (text: string) => void;
  /** Enforce REFERENCES (the account tables' cascades). */
  readonly foreignKeys?: boolean;
}

/**
 * A connection to the embedded file, as both the page store and the account store use it:
 * WAL (readers and one writer at once, several connections and processes on one file), every
 * commit on disk before it returns, and a short wait for another writer's lock.
 */
export function openDatabase(file: string, options: ConnectionOptions = {}): Database.Database {
  const { onStatement } = options;
  const db = withStoreErrors(() => new Database(file, onStatement ? { verbose: (text) => onStatement(String(text)) } : {}));
  db.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before it returns, so a 2xx survives kill -9 and power loss.
  db.pragma('synchronous = FULL');
  // Waiting blocks the event loop, so give up early: the request gets a 503 with Retry-After.
  db.pragma('busy_timeout = 2000');
  if (options.foreignKeys) db.pragma('foreign_keys = ON');
  return db;
}
