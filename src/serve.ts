// One serving process: open the store, listen, and close cleanly on SIGTERM/SIGINT.
import type { Config } from './config.js';
import { AggregatorRegistry } from 'prom-client';
import { buildServer } from './app.js';
import { ServerMetrics } from './http/metrics.js';
import { metricsUrl, serveMetrics } from './metrics-server.js';
import { openAccountStore, openFileStore, openStore } from './storage/index.js';
import { searchText } from './pages/plain-text.js';
import { pageLinks } from './pages/page-links.js';

export interface Serving {
  readonly address: string;
  /** Where Prometheus scrapes this process (--metrics-port without --workers). */
  readonly metricsAddress?: string;
}

/** `shared`: other processes use the same store (a worker of --workers). */
export async function serve(config: Config, shared: boolean): Promise<Serving> {
  const store = await openStore({ ...config, shared, plainText: searchText, linkTargets: pageLinks });
  const accounts = await openAccountStore(config);
  const files = await openFileStore({ ...config, shared, uploadTimeoutMs: config.requestTimeout });
  const metrics = config.metricsPort === undefined ? undefined : new ServerMetrics();
  if (metrics) {
    store.observe?.(metrics);
    const poolUse = store.poolUse?.bind(store);
    if (poolUse) metrics.observePool(poolUse);
  }
  const app = await buildServer({
    store,
    logLevel: config.logLevel,
    bodyLimit: config.bodyLimit,
    requestTimeout: config.requestTimeout,
    trustProxy: config.trustProxy,
    work: { threads: config.renderThreads, timeBudgetMs: config.renderTimeout, niceIncrement: config.renderNice },
    auth: {
      mode: config.auth,
      accounts,
      sessionIdleTimeout: config.sessionIdleTimeout,
      sessionMaxAge: config.sessionMaxAge,
      loginRateLimit: config.loginRateLimit,
      loginAddressRateLimit: config.loginAddressRateLimit,
      writeRateLimit: config.writeRateLimit,
      publicOrigins: config.publicOrigins ?? [],
    },
    hosts: { listenHost: config.host, publicOrigins: config.publicOrigins ?? [] },
    files: { store: files, fileLimit: config.fileLimit, ...(config.fileQuota === undefined ? {} : { quotaBytes: config.fileQuota }) },
    streamLimits: { maxPageStreams: config.maxPageStreams, maxStreamsPerClient: config.maxStreamsPerClient },
    cacheSize: config.cacheSize,
    ...(metrics ? { metrics } : {}),
  });
  const address = await app.listen({ port: config.port, host: config.host });
  // With --workers the primary serves the sum of every worker's registry (cluster.ts). A worker
  // answers the primary's requests once an AggregatorRegistry exists in it (prom-client/cluster).
  if (metrics && shared) {
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([metrics.registry]);
  }
  const metricsServer = metrics && !shared ? await serveMetrics(metrics.registry, config.metricsPort!, config.host) : undefined;
  if (config.auth !== 'open' && (await accounts.users()).length === 0) {
    app.log.warn(`${config.auth} mode and no users yet: nobody can sign in. Add the first admin with: npm run admin -- user add NAME --role admin`);
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    metricsServer?.close();
    await app.close(); // stops accepting, lets requests in flight finish
    await store.close(); // commits queued writes, closes the database
    await accounts.close();
    await files.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  return { address, ...(metricsServer ? { metricsAddress: metricsUrl(metricsServer) } : {}) };
}

/** The start line's description: the access mode, the store, and where metrics are. */
export function describeServing(config: Config, metricsAddress?: string): string {
  return `${config.auth} access, ${describeStore(config)}${metricsAddress === undefined ? '' : `, metrics at ${metricsAddress}`}`;
}

export function describeStore(config: Config): string {
  return config.databaseUrl ? 'PostgreSQL' : `SQLite in ${config.dataDir}`;
}
