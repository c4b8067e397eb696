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
  if (config.databaseUrl !== undefined) {
    // Loaded only when asked for, so an embedded deployment never loads the pg driver.
    const { openPostgresStore } = await import('./postgres/postgres-store.js');
    return openPostgresStore({ url: config.databaseUrl });
  }
  return new SqlitePageStore(join(config.dataDir, 'midair.sqlite3'));
}
