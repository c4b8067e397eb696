// Scenario storage: bytes on disk per byte of revision text. Pages built from the Markdown in
// node_modules get several revisions each through the store classes in-process (SQLite and,
// when reachable, PostgreSQL), with the history compactor doing its work between rounds as it
// does in the background of a server; then the store's footprint is measured: for SQLite the
// file and its WAL after a checkpoint, for PostgreSQL pg_total_relation_size of every table
// (with its indexes and TOAST) in the store's schema.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openPostgresStore } from '../../src/storage/postgres/postgres-store.js';
import { SqlitePageStore } from '../../src/storage/sqlite/sqlite-store.js';
import type { PageStore } from '../../src/storage/store.js';
import type { BenchContext } from '../context.js';
import { Admin, unreachableReason } from '../postgres.js';
import { tempDir } from '../processes.js';
import type { Row, ScenarioResult } from '../results.js';
import { findDocuments } from '../markdown-documents.js';
import { type CorpusPage, corpusPages, textBytes } from './storage-corpus.js';

const REVISIONS_PER_PAGE = 4;
const WRITERS = 16;
/** The goal of issue 13: history on disk at most 1.2× its text. */
export const STORAGE_GOAL = 1.2;

const MIB = 1024 * 1024;

/** Writes revision `k` of every page, WRITERS at a time; each page's previous revision is current. */
async function writeRound(store: PageStore, pages: readonly CorpusPage[], k: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < pages.length) {
        const page = pages[next++]!;
        const result = await store.put(page.name, page.revisions[k]!, k, { summary: `revision ${k + 1}`, author: 'bench' });
        if (!result.ok) throw new Error(`storage: writing ${page.name} revision ${k + 1}: ${result.reason}`);
      }
    }),
  );
}

/** Every revision, round by round; between rounds the compactor finishes and `between` runs. */
async function writeCorpus(store: PageStore, pages: readonly CorpusPage[], between: () => Promise<void>): Promise<number> {
  const started = performance.now();
  for (let k = 0; k < REVISIONS_PER_PAGE; k++) {
    await writeRound(store, pages, k);
    await store.compactHistory?.();
    await between();
  }
  return (performance.now() - started) / 1000;
}

/** Reads every revision back and compares it with what was written. */
async function verify(store: PageStore, pages: readonly CorpusPage[]): Promise<void> {
  for (const page of pages) {
    for (let k = 0; k < page.revisions.length; k++) {
      if ((await store.content(page.name, k + 1)) !== page.revisions[k]) throw new Error(`storage: ${page.name} revision ${k + 1} reads back changed`);
    }
  }
}

interface Footprint {
  readonly bytes: number;
  readonly writeSeconds: number;
  readonly detail: string;
}

async function sqliteFootprint(ctx: BenchContext, pages: readonly CorpusPage[]): Promise<Footprint> {
  const file = join(tempDir('midair-bench-storage-'), 'midair.sqlite3');
  const store = new SqlitePageStore(file);
  let writeSeconds: number;
  try {
    writeSeconds = await writeCorpus(store, pages, async () => {});
    await verify(store, pages);
  } finally {
    await store.close();
  }
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const free = db.pragma('freelist_count', { simple: true }) as number;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  // Where the bytes are: revisions (with its indexes) against the search index's tables.
  const parts = db
    .prepare<[], { part: string; bytes: number }>(
      `SELECT CASE WHEN name LIKE 'page_search%' THEN 'search index' WHEN name LIKE '%revisions%' THEN 'revisions' ELSE 'the rest' END AS part,
              sum(pgsize) AS bytes FROM dbstat GROUP BY part ORDER BY bytes DESC`,
    )
    .all()
    .map(({ part, bytes }) => `${part} ${(bytes / MIB).toFixed(1)} MiB`)
    .join(', ');
  db.close();
  const wal = `${file}-wal`;
  const bytes = statSync(file).size + (existsSync(wal) ? statSync(wal).size : 0);
  ctx.log(`storage: SQLite ${(bytes / MIB).toFixed(1)} MiB`);
  return { bytes, writeSeconds, detail: `${(bytes / MIB).toFixed(1)} MiB (file + WAL after a checkpoint: ${parts}; ${((free * pageSize) / MIB).toFixed(1)} MiB of it free pages)` };
}

async function postgresFootprint(ctx: BenchContext, pages: readonly CorpusPage[]): Promise<Footprint> {
  const admin = new Admin(ctx.options.databaseUrl);
  const schema = admin.reserveSchema('storage');
  const client = new pg.Client({ connectionString: ctx.options.databaseUrl });
  await client.connect();
  try {
    const store = await openPostgresStore({ url: ctx.options.databaseUrl, schema });
    let writeSeconds: number;
    try {
      // What autovacuum does between rounds, to every table: the space of rows the compactor
      // rewrote, and of the search rows each new revision replaced, becomes reusable.
      writeSeconds = await writeCorpus(store, pages, async () => {
        const { rows: tables } = await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = $1`, [schema]);
        for (const { name } of tables) await client.query(`VACUUM ${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`);
      });
      await verify(store, pages);
    } finally {
      await store.close();
    }
    const { rows } = await client.query<{ total: string; revisions: string; search: string | null }>(
      `SELECT sum(pg_total_relation_size(c.oid)) AS total,
              sum(pg_total_relation_size(c.oid)) FILTER (WHERE c.relname = 'revisions') AS revisions,
              sum(pg_total_relation_size(c.oid)) FILTER (WHERE c.relname = 'page_search') AS search
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relkind = 'r'`,
      [schema],
    );
    const bytes = Number(rows[0]!.total);
    ctx.log(`storage: PostgreSQL ${(bytes / MIB).toFixed(1)} MiB`);
    return { bytes, writeSeconds, detail: `${(bytes / MIB).toFixed(1)} MiB (every table of the schema with its indexes and TOAST; revisions ${(Number(rows[0]!.revisions) / MIB).toFixed(1)} MiB, search index ${(Number(rows[0]!.search ?? 0) / MIB).toFixed(1)} MiB)` };
  } finally {
    await client.end();
    await admin.end();
  }
}

export async function runStorage(ctx: BenchContext): Promise<ScenarioResult> {
  const documents = findDocuments(join(import.meta.dirname, '..', '..', 'node_modules')).map((document) => document.text);
  const pages = corpusPages(documents, ctx.options.storageMiB * MIB, REVISIONS_PER_PAGE);
  const text = textBytes(pages);
  const corpus = `${pages.length} pages × ${REVISIONS_PER_PAGE} revisions from ${documents.length} Markdown files in node_modules, ${(text / MIB).toFixed(1)} MiB of revision text`;
  ctx.log(`storage: ${corpus}`);
  const rows: Row[] = [];
  const details: string[] = [`storage: ${corpus}; goal ≤ ${STORAGE_GOAL}× on disk.`];
  const measure = async (id: string, label: string, footprint: () => Promise<Footprint>): Promise<void> => {
    const { bytes, writeSeconds, detail } = await footprint();
    const ratio = bytes / text;
    const verdict = ratio <= STORAGE_GOAL ? 'MET' : 'NOT MET';
    rows.push({ id, scenario: 'storage', label, rounds: [], notes: [`${ratio.toFixed(2)}× the revision text on disk (goal ≤ ${STORAGE_GOAL}×: ${verdict})`] });
    details.push(`storage: ${label}: ${ratio.toFixed(2)}× — ${detail}; written in ${writeSeconds.toFixed(1)} s, every revision read back byte for byte.`);
  };
  await measure('storage-sqlite', 'SQLite bytes on disk per byte of text', () => sqliteFootprint(ctx, pages));
  const unreachable = await unreachableReason(ctx.options.databaseUrl);
  if (unreachable === undefined) await measure('storage-postgres', 'PostgreSQL bytes on disk per byte of text', () => postgresFootprint(ctx, pages));
  else rows.push({ id: 'storage-postgres', scenario: 'storage', label: 'PostgreSQL bytes on disk per byte of text', rounds: [], skipped: unreachable });
  return { rows, details };
}
