// --workers N: N serving processes share one port (node:cluster) and one store. The
// primary only supervises: it holds the store's lock for the group, restarts a worker that
// dies, and passes SIGTERM/SIGINT on so every worker finishes its requests and writes.
import cluster, { type Worker } from 'node:cluster';
import type { Config } from './config.js';
import { AggregatorRegistry } from 'prom-client';
import { EXIT_CANNOT_LISTEN } from './listen-errors.js';
import { metricsUrl, serveMetrics } from './metrics-server.js';
import { describeServing } from './serve.js';
import { reserveStore } from './storage/index.js';

// More deaths than this within the window means the workers cannot run: stop, do not spin.
const CRASH_WINDOW_MS = 10_000;

export async function superviseWorkers(config: Config): Promise<void> {
  const release = reserveStore(config);
  let stopping = false;
  const crashes: number[] = [];
  const maxCrashes = Math.max(3, config.workers * 2);

  // Workers accept connections themselves. With round-robin the primary accepts and hands each
  // connection over; if the worker dies before acknowledging one, Node neither closes it nor
  // gives it to another worker, and that client waits forever.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const fork = (): Worker => cluster.fork();

  // --metrics-port: the primary answers each scrape with the sum of every worker's metrics.
  let metricsAddress: string | undefined;
  if (config.metricsPort !== undefined) {
    const aggregate = new AggregatorRegistry();
    const server = await serveMetrics({ contentType: aggregate.contentType, metrics: () => aggregate.clusterMetrics() }, config.metricsPort, config.host).catch((error: unknown) => {
      release();
      throw error;
    });
    metricsAddress = metricsUrl(server);
  }
  for (let i = 0; i < config.workers; i++) fork();

  let announced = false;
  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    listening++;
    if (!announced && listening === config.workers) {
      announced = true;
      const host = address.address ?? config.host;
      console.log(`midair listening on http://${host.includes(':') ? `[${host}]` : host}:${address.port} (${config.workers} workers, ${describeServing(config, metricsAddress)})`);
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        release();
        process.exit(0);
      }
      return;
    }
    // A worker that cannot have the port said why; another would fail the same way.
    if (code === EXIT_CANNOT_LISTEN) {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      release();
      process.exit(EXIT_CANNOT_LISTEN);
    }
    const now = Date.now();
    crashes.push(now);
    while (crashes.length > 0 && crashes[0]! < now - CRASH_WINDOW_MS) crashes.shift();
    console.error(`midair: worker ${worker.process.pid} exited (${signal ?? `code ${code}`})`);
    if (crashes.length > maxCrashes) {
      console.error(`midair: ${crashes.length} workers died within ${CRASH_WINDOW_MS / 1000} s; stopping.`);
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      release();
      process.exit(1);
    }
    fork();
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) {
      release();
      process.exit(0);
    }
    for (const worker of workers) worker?.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
