// Reads the configuration, opens the store, listens; closes cleanly on SIGTERM and SIGINT.
import { ConfigError, readConfig, USAGE } from './config.js';
import { buildServer } from './http/server.js';
import { openStore } from './storage/index.js';
import { StoreInUseError } from './storage/sqlite/file-lock.js';
import { StoreError } from './storage/store.js';

async function main(): Promise<void> {
  let config;
  try {
    config = readConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`midair: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (config === 'help') {
    console.log(USAGE);
    return;
  }
  const store = await openStore(config);
  const app = await buildServer({ store, logLevel: config.logLevel, bodyLimit: config.bodyLimit });
  const address = await app.listen({ port: config.port, host: config.host });
  // Tests and scripts read this line to learn the port when --port 0 was given.
  const where = config.databaseUrl ? 'PostgreSQL' : `SQLite in ${config.dataDir}`;
  console.log(`midair listening on ${address} (${where})`);

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
}

main().catch((error: unknown) => {
  // Problems an operator can fix get their message alone; anything else its stack too.
  if (error instanceof StoreInUseError || error instanceof StoreError) console.error(`midair: ${error.message}`);
  else console.error('midair failed to start:', error);
  process.exit(1);
});
