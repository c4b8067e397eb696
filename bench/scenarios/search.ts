// Scenario search: /search on 20,000 pages of real Markdown (search-corpus.ts), on SQLite and
// on PostgreSQL. Each round first writes a page, which empties every server's result cache,
// then asks each query once (cold: the store answers) and once more (warm: the cache does).
// The figure is the p95 of the cold answers per query kind; goal ≤ 100 ms.
import { join } from 'node:path';
import { openPostgresStore } from '../../src/storage/postgres/postgres-store.js';
import { SqlitePageStore } from '../../src/storage/sqlite/sqlite-store.js';
import type { PageStore } from '../../src/storage/store.js';
import { searchText } from '../../src/pages/plain-text.js';
import type { BenchContext } from '../context.js';
import { Admin, unreachableReason, urlWithSchema } from '../postgres.js';
import { tempDir } from '../processes.js';
import { type Measurement, percentile, type Row, type ScenarioResult } from '../results.js';
import { type ServerProcess, startMidair } from '../servers.js';
import { type CorpusPage, corpusPages, corpusQueries, findDocuments, QUERY_KINDS, type QueryKind } from './search-corpus.js';

const FULL_PAGES = 20_000;
const SMOKE_PAGES = 300;
const QUERIES_PER_KIND = 8;
const GOAL_P95_MS = 100;
const REQUEST_TIMEOUT_MS = 30_000;
const LOAD_CONCURRENCY = 256;

/** Pages of the run: BENCH_SEARCH_PAGES, else 20,000 (smoke: 300). */
function pageCount(ctx: BenchContext): number {
  const asked = Number(process.env['BENCH_SEARCH_PAGES']);
  if (Number.isInteger(asked) && asked > 0) return asked;
  return ctx.options.smoke ? SMOKE_PAGES : FULL_PAGES;
}

/** Writes the corpus through the store class, many writes in flight so they commit in batches. */
async function load(store: PageStore, pages: readonly CorpusPage[]): Promise<void> {
  for (let i = 0; i < pages.length; i += LOAD_CONCURRENCY) {
    const results = await Promise.all(
      pages.slice(i, i + LOAD_CONCURRENCY).map((page) => store.put(page.name, page.markdown, 0, { summary: 'bench', author: 'bench', searchText: searchText(page.markdown) })),
    );
    if (!results.every((r) => r.ok)) throw new Error('search: a corpus page could not be created');
  }
}

interface Timed {
  readonly ms: number;
  readonly ok: boolean;
}

async function timedGet(url: string): Promise<Timed> {
  const started = performance.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await res.arrayBuffer();
    return { ms: performance.now() - started, ok: res.status === 200 };
  } catch {
    return { ms: performance.now() - started, ok: false };
  }
}

/** A new page: every server's cached results name an older change, so the next search is cold. */
async function invalidate(server: ServerProcess, round: number): Promise<void> {
  const res = await fetch(`${server.url}/api/pages/${encodeURIComponent(`search-bench-round-${round}-${Date.now()}`)}`, {
    method: 'PUT',
    headers: { 'if-none-match': '*', 'content-type': 'text/markdown' },
    body: `Round ${round}.`,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  await res.arrayBuffer();
  if (res.status !== 201) throw new Error(`search: the write that empties the cache answered ${res.status}`);
}

interface KindSamples {
  cold: Timed[];
  warm: Timed[];
}

async function measure(ctx: BenchContext, server: ServerProcess, queries: Record<QueryKind, string[]>): Promise<Map<QueryKind, KindSamples>> {
  const samples = new Map<QueryKind, KindSamples>(QUERY_KINDS.map((kind) => [kind, { cold: [], warm: [] }]));
  // One unmeasured pass: the server's code and the database's pages are warm.
  for (const kind of QUERY_KINDS) for (const q of queries[kind]) await timedGet(`${server.url}/search?q=${encodeURIComponent(q)}`);
  for (let round = 1; round <= ctx.options.rounds; round++) {
    await invalidate(server, round);
    for (const kind of QUERY_KINDS) {
      for (const q of queries[kind]) {
        const url = `${server.url}/search?q=${encodeURIComponent(q)}`;
        samples.get(kind)!.cold.push(await timedGet(url));
        samples.get(kind)!.warm.push(await timedGet(url));
      }
    }
  }
  return samples;
}

function p95(samples: readonly Timed[]): number {
  return percentile(samples.map((s) => s.ms).sort((a, b) => a - b), 95);
}

function toRows(store: string, samples: Map<QueryKind, KindSamples>, details: string[]): Row[] {
  return QUERY_KINDS.map((kind) => {
    const { cold, warm } = samples.get(kind)!;
    const sorted = cold.map((s) => s.ms).sort((a, b) => a - b);
    const totalS = sorted.reduce((sum, ms) => sum + ms, 0) / 1000;
    const measurement: Measurement = {
      rps: totalS > 0 ? sorted.length / totalS : 0,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      requests: sorted.length,
      errors: cold.filter((s) => !s.ok).length + warm.filter((s) => !s.ok).length,
    };
    const coldP95 = p95(cold);
    details.push(`search: ${store}, ${kind} queries: p95 ${coldP95.toFixed(1)} ms cold (goal ≤ ${GOAL_P95_MS} ms: ${coldP95 <= GOAL_P95_MS ? 'MET' : 'NOT MET'}), ${p95(warm).toFixed(1)} ms cached`);
    return {
      id: `search-${store.toLowerCase()}-${kind}`,
      scenario: 'search',
      label: `${store}, ${kind} words, one at a time, uncached`,
      rounds: [measurement],
      notes: [`p95 ${coldP95.toFixed(1)} ms`, `cached p95 ${p95(warm).toFixed(1)} ms`],
    } satisfies Row;
  });
}

export async function runSearch(ctx: BenchContext): Promise<ScenarioResult> {
  const count = pageCount(ctx);
  const documents = findDocuments(join(import.meta.dirname, '..', '..', 'node_modules'));
  const pages = corpusPages(documents, count);
  const queries = corpusQueries(documents, QUERIES_PER_KIND);
  const bytes = pages.reduce((sum, page) => sum + Buffer.byteLength(page.markdown), 0);
  ctx.log(`search: ${count} pages (${(bytes / 2 ** 20).toFixed(1)} MiB) from ${documents.length} documents in node_modules`);
  const details: string[] = [
    `search: ${count} pages, ${(bytes / 2 ** 20).toFixed(1)} MiB of Markdown from ${documents.length} READMEs, changelogs and licences in node_modules; ${QUERIES_PER_KIND} queries per kind, ${ctx.options.rounds} round(s), each after a write that empties the result cache.`,
    ...QUERY_KINDS.map((kind) => `search: ${kind}: ${queries[kind].join(', ')}`),
  ];
  const rows: Row[] = [];

  const dataDir = tempDir('midair-bench-search-');
  let started = performance.now();
  const sqlite = new SqlitePageStore(join(dataDir, 'midair.sqlite3'));
  try {
    await load(sqlite, pages);
  } finally {
    await sqlite.close();
  }
  ctx.log(`search: SQLite loaded in ${Math.round((performance.now() - started) / 1000)} s`);
  let server = await startMidair('search-sqlite', { main: ctx.midairMain, dataDir });
  try {
    rows.push(...toRows('SQLite', await measure(ctx, server, queries), details));
  } finally {
    await server.stop();
  }

  const url = ctx.options.databaseUrl;
  const unreachable = await unreachableReason(url);
  if (unreachable !== undefined) {
    rows.push({ id: 'search-postgresql', scenario: 'search', label: 'PostgreSQL', rounds: [], skipped: unreachable });
    return { rows, details };
  }
  const admin = new Admin(url);
  try {
    const schema = admin.reserveSchema('search');
    started = performance.now();
    const postgres = await openPostgresStore({ url, schema });
    try {
      await load(postgres, pages);
    } finally {
      await postgres.close();
    }
    // What autovacuum does soon after a bulk load: statistics for the search plans, and the
    // GIN indexes' pending lists merged.
    await admin.query(`VACUUM ANALYZE "${schema}".page_search`);
    ctx.log(`search: PostgreSQL loaded and analysed in ${Math.round((performance.now() - started) / 1000)} s`);
    server = await startMidair('search-postgres', { main: ctx.midairMain, databaseUrl: urlWithSchema(url, schema) });
    try {
      rows.push(...toRows('PostgreSQL', await measure(ctx, server, queries), details));
    } finally {
      await server.stop();
    }
  } finally {
    await admin.end();
  }
  return { rows, details };
}
