// Reads the configuration, then serves in this process or supervises --workers processes.
import cluster from 'node:cluster';
import { superviseWorkers } from './cluster.js';
import { ConfigError, readConfig, USAGE } from './config.js';
import { cannotListen, EXIT_CANNOT_LISTEN } from './listen-errors.js';
import { describeServing, serve } from './serve.js';
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
  let serving;
  try {
    if (config.workers > 1 && cluster.isPrimary) {
      await superviseWorkers(config);
      return;
    }
    serving = await serve(config, cluster.isWorker);
  } catch (error) {
    const line = cannotListen(error, config);
    if (line === undefined) throw error;
    console.error(line);
    process.exit(EXIT_CANNOT_LISTEN);
  }
  // Tests and scripts read this line to learn the port when --port 0 was given.
  if (cluster.isPrimary) console.log(`midair listening on ${serving.address} (${describeServing(config, serving.metricsAddress)})`);
}

main().catch((error: unknown) => {
  // Problems an operator can fix get their message alone; anything else its stack too.
  if (error instanceof StoreInUseError || error instanceof StoreError) console.error(`midair: ${error.message}`);
  else console.error('midair failed to start:', error);
  process.exit(1);
});
