import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock } from './sqlite/file-lock.js';
import { SqlitePageStore } from './sqlite/sqlite-store.js';
import type { AccountStore } from './accounts.js';
import type { FileStore } from './files.js';
import type { LinkTargets, PageStore, PlainText } from './store.js';

export interface StoreConfig {
  /** Folder of the embedded SQLite file. */
  readonly dataDir: string;
  /** A postgres:// URL selects PostgreSQL. */
  readonly databaseUrl?: string;
  /** Other processes use the same store (--workers). */
  readonly shared?: boolean;
  readonly dbPoolSize?: number;
  readonly dbStatementTimeout?: number;
  /** How pages written before the search index kept plain text get theirs, once, at open. */
  readonly plainText?: PlainText;
  /** How pages written before the links table get their links, once, at open. */
  readonly linkTargets?: LinkTargets;
}

/** Picks the backend from the configuration. */
export async function openStore(config: StoreConfig): Promise<PageStore> {
  if (config.databaseUrl !== undefined) {
    // Loaded only when asked for, so an embedded deployment never loads the pg driver.
    const { openPostgresStore } = await import('./postgres/postgres-store.js');
    return openPostgresStore({
      url: config.databaseUrl,
      ...(config.dbPoolSize === undefined ? {} : { poolSize: config.dbPoolSize }),
      ...(config.dbStatementTimeout === undefined ? {} : { statementTimeoutMs: config.dbStatementTimeout }),
      ...(config.plainText === undefined ? {} : { plainText: config.plainText }),
      ...(config.linkTargets === undefined ? {} : { linkTargets: config.linkTargets }),
    });
  }
  return new SqlitePageStore(sqliteFile(config), {
    shared: config.shared ?? false,
    ...(config.plainText === undefined ? {} : { plainText: config.plainText }),
    ...(config.linkTargets === undefined ? {} : { linkTargets: config.linkTargets }),
  });
}

/**
 * The account store (users, sessions, tokens, page protection) in the same database as the
 * pages. It takes no lock, so the admin tool can use it while a server runs.
 */
export async function openAccountStore(config: StoreConfig): Promise<AccountStore> {
  if (config.databaseUrl !== undefined) {
    const { PostgresAccountStore } = await import('./postgres/postgres-accounts.js');
    return PostgresAccountStore.open({
      url: config.databaseUrl,
      ...(config.dbPoolSize === undefined ? {} : { poolSize: Math.min(4, config.dbPoolSize) }),
      ...(config.dbStatementTimeout === undefined ? {} : { statementTimeoutMs: config.dbStatementTimeout }),
    });
  }
  const { SqliteAccountStore } = await import('./sqlite/sqlite-accounts.js');
  return new SqliteAccountStore(sqliteFile(config));
}

/**
 * The file store (uploads, src/storage/files.ts) in the same database as the pages.
 * `uploadTimeoutMs`: the longest an upload may take (the request timeout); a staged upload
 * older than that, with a minute to spare, was left by a dead process.
 */
export async function openFileStore(config: StoreConfig & { readonly uploadTimeoutMs: number }): Promise<FileStore> {
  // A lone SQLite process (it holds the lock) knows that whatever is staged at open is garbage.
  const alone = config.databaseUrl === undefined && !config.shared;
  const stagedMaxAgeMs = config.uploadTimeoutMs + 60_000;
  if (config.databaseUrl !== undefined) {
    const { openPostgresFileStore } = await import('./postgres/file-dialect.js');
    return openPostgresFileStore({
      url: config.databaseUrl,
      stagedMaxAgeMs,
      ...(config.dbStatementTimeout === undefined ? {} : { statementTimeoutMs: config.dbStatementTimeout }),
    });
  }
  mkdirSync(config.dataDir, { recursive: true });
  const { openSqliteFileStore } = await import('./sqlite/file-dialect.js');
  return openSqliteFileStore(sqliteFile(config), { stagedMaxAgeMs, alone });
}

function sqliteFile(config: StoreConfig): string {
  return join(config.dataDir, 'midair.sqlite3');
}

/**
 * Reserves the store for a group of processes (the --workers supervisor), so no unrelated
 * server opens it meanwhile. Returns the release. Only the embedded store needs this.
 */
export function reserveStore(config: StoreConfig): () => void {
  if (config.databaseUrl !== undefined) return () => {};
  mkdirSync(config.dataDir, { recursive: true });
  return acquireLock(`${sqliteFile(config)}.lock`);
}
