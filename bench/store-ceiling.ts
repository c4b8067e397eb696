// The store's own compare-and-swap ceiling, in-process with no HTTP: one awaited put at a time
// over a set of pages, so every write is its own transaction (on SQLite, its own fsync). This
// is what a server would reach writing one request at a time; group commit should beat it.
//
//   node --import tsx bench/store-ceiling.ts --backend sqlite --dir DIR --pages N --bytes B --duration S
//   node --import tsx bench/store-ceiling.ts --backend postgres --url URL --schema S ...
// Prints one line: CEILING_RESULT {"writes":…,"seconds":…,"p50Ms":…,"p99Ms":…,"conflicts":…,"cpuSeconds":…,"rssBytes":…}
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openPostgresStore } from '../src/storage/postgres/postgres-store.js';
import { SqlitePageStore } from '../src/storage/sqlite/sqlite-store.js';
import type { PageStore } from '../src/storage/store.js';
import { pageContent } from './pages.js';
import { percentile } from './results.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string' },
    dir: { type: 'string' },
    url: { type: 'string' },
    schema: { type: 'string' },
    pages: { type: 'string', default: '64' },
    bytes: { type: 'string', default: '1024' },
    duration: { type: 'string', default: '5' },
  },
  strict: true,
});

const INFO = { summary: 'bench', author: 'bench' };
// However fast the store, the loop stops after this many writes.
const MAX_WRITES = 10_000_000;

async function open(): Promise<PageStore> {
  if (values.backend === 'sqlite' && values.dir !== undefined) return new SqlitePageStore(join(values.dir, 'midair.sqlite3'));
  if (values.backend === 'postgres' && values.url !== undefined && values.schema !== undefined) {
    return openPostgresStore({ url: values.url, schema: values.schema, poolSize: 2 });
  }
  throw new Error('--backend sqlite --dir DIR, or --backend postgres --url URL --schema NAME');
}

const store = await open();
try {
  const bytes = Number(values.bytes);
  const pages = Array.from({ length: Number(values.pages) }, (_, i) => `ceiling-${i + 1}`);
  const revisions = new Map<string, number>();
  for (const name of pages) {
    // A page may be there from an earlier round on the same database.
    const existing = await store.head(name);
    const result = await store.put(name, pageContent(name, bytes), existing.revision, INFO);
    if (!result.ok) throw new Error(`could not write ${name}`);
    revisions.set(name, result.state.revision);
  }

  const latencies: number[] = [];
  let conflicts = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + Number(values.duration) * 1000;
  for (let i = 0; i < MAX_WRITES && performance.now() < deadline; i++) {
    const name = pages[i % pages.length]!;
    const content = `${pageContent(name, bytes - 24)}\nwrite ${i}`;
    const t0 = performance.now();
    const result = await store.put(name, content, revisions.get(name)!, INFO);
    latencies.push(performance.now() - t0);
    if (result.ok) revisions.set(name, result.state.revision);
    else {
      conflicts++;
      revisions.set(name, (await store.head(name)).revision);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  const report = {
    writes: latencies.length - conflicts,
    seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    conflicts,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    rssBytes: process.memoryUsage.rss(),
  };
  console.log(`CEILING_RESULT ${JSON.stringify(report)}`);
} finally {
  await store.close();
}
