import { join } from 'node:path';
import { SqlitePageStore } from './sqlite/sqlite-store.js';
import type { PageStore } from './store.js';

export interface StoreConfig {
  /** Folder of the embedded SQLite file. */
  readonly dataDir: string;
  /** A postgres:// URL selects PostgreSQL. */
  readonly databaseUrl?: string;
}

/** Picks the backend from the configuration. */
export async function openStore(config: StoreConfig): Promise<PageStore> {
  return new SqlitePageStore(join(config.dataDir, 'midair.sqlite3'));
}
