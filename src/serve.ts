// One serving process: open the store, listen, and close cleanly on SIGTERM/SIGINT.
import type { Config } from './config.js';
import { buildServer } from './http/server.js';
import { openStore } from './storage/index.js';

export interface Serving {
  readonly address: string;
}

/** `shared`: other processes use the same store (a worker of --workers). */
export async function serve(config: Config, shared: boolean): Promise<Serving> {
  const store = await openStore({ ...config, shared });
  const app = await buildServer({ store, logLevel: config.logLevel, bodyLimit: config.bodyLimit, requestTimeout: config.requestTimeout });
  const address = await app.listen({ port: config.port, host: config.host });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close(); // stops accepting, lets requests in flight finish
    await store.close(); // commits queued writes, closes the database
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  return { address };
}

export function describeStore(config: Config): string {
  return config.databaseUrl ? 'PostgreSQL' : `SQLite in ${config.dataDir}`;
}
