// Compact history (issue 13, item 7): a store written before revisions were compressed is
// converted in place by the history compactor, batch by batch, readable at every step, and a
// conversion killed midway is finished by the next start with nothing lost.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { HistoryCompactor } from '../src/storage/history-compactor.js';
import { createPool } from '../src/storage/postgres/driver.js';
import { postgresCompaction } from '../src/storage/postgres/postgres-compaction.js';
import { openPostgresStore } from '../src/storage/postgres/postgres-store.js';
import { migrate as migratePostgres } from '../src/storage/postgres/schema.js';
import { REVISION_ENCODING } from '../src/storage/revision-codec.js';
import { revisionEtag } from '../src/storage/revision-etag.js';
import { migrate as migrateSqlite } from '../src/storage/sqlite/schema.js';
import { sqliteCompaction } from '../src/storage/sqlite/sqlite-compaction.js';
import { SqlitePageStore } from '../src/storage/sqlite/sqlite-store.js';
import type { PageStore } from '../src/storage/store.js';
import { postgresVerdict } from './support/backing.js';
import { probePostgres, TestSchemas, testDatabaseUrl } from './support/postgres.js';

/** The schema as it was before compact history: the first three migrations. */
const SCHEMA_BEFORE_COMPACTION = 3;

/** One revision as the code before compact history stored it; content undefined for a deletion. */
interface LegacyRevision {
  readonly name: string;
  readonly content: string | undefined;
}

/** Pages with several revisions each, deletions and awkward text among them. */
function legacyHistory(pages: number, bytesPerRevision: number): LegacyRevision[] {
  const revisions: LegacyRevision[] = [];
  for (let r = 0; r < 3; r++) {
    for (let p = 0; p < pages; p++) {
      const line = `page ${p} revision ${r + 1}: nul \u0000 CR LF\r\n astral 😀 é\n`;
      revisions.push({ name: `Page ${p}`, content: line.repeat(Math.ceil(bytesPerRevision / Buffer.byteLength(line))) });
    }
  }
  revisions.push({ name: 'Page 0', content: undefined }, { name: 'Page 0', content: '' }, { name: 'Page 1', content: 'x'.repeat(1024 * 1024) });
  return revisions;
}

/** What each revision of each page holds: `${name}\n${revision}` → content. */
type Expected = Map<string, string | undefined>;

/** The rows the code before compact history wrote for `revisions`; returns what each revision holds. */
function revisionRows(revisions: readonly LegacyRevision[]) {
  const latest = new Map<string, number>();
  const expected: Expected = new Map();
  const rows = revisions.map(({ name, content }) => {
    const revision = (latest.get(name) ?? 0) + 1;
    latest.set(name, revision);
    expected.set(`${name}\n${revision}`, content);
    const size = content === undefined ? 0 : Buffer.byteLength(content);
    return { name, revision, deleted: content === undefined, etag: content === undefined ? null : revisionEtag(content), size, content };
  });
  return { rows, latest, expected };
}

async function assertReadable(store: PageStore, expected: Expected, when: string): Promise<void> {
  for (const [key, content] of expected) {
    const [name, revision] = key.split('\n') as [string, string];
    const read = await store.content(name, Number(revision));
    assert.ok(read === content, `${name} revision ${revision} reads back byte for byte ${when}`);
    const info = await store.revision(name, Number(revision));
    assert.equal(info?.etag, content === undefined ? null : revisionEtag(content), `${name} revision ${revision} keeps its ETag ${when}`);
  }
}

// ---------------------------------------------------------------------------------------------
// SQLite

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A SQLite file as the code before compact history left it (auto_vacuum off, content plain TEXT). */
function legacySqlite(revisions: readonly LegacyRevision[]): { file: string; expected: Expected } {
  const dir = mkdtempSync(join(tmpdir(), 'midair-compact-'));
  dirs.push(dir);
  const file = join(dir, 'midair.sqlite3');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // A table first, so the file keeps auto_vacuum off like every file made before.
  db.exec('CREATE TABLE made_before (x)');
  migrateSqlite(db, SCHEMA_BEFORE_COMPACTION);
  const { rows, latest, expected } = revisionRows(revisions);
  const record = db.prepare(
    `INSERT INTO revisions (name, revision, deleted, etag, modified_ms, date_shared, size, summary, author, content)
     VALUES (@name, @revision, @deleted, @etag, 1, 0, @size, '', 'before', @content)`,
  );
  const page = db.prepare(
    `INSERT INTO pages (name, revision, deleted, etag, modified_ms, date_shared, size) VALUES (@name, @revision, @deleted, @etag, 1, 0, @size)
     ON CONFLICT (name) DO UPDATE SET revision = excluded.revision, deleted = excluded.deleted, etag = excluded.etag, size = excluded.size`,
  );
  db.transaction(() => {
    for (const row of rows) {
      const values = { ...row, deleted: row.deleted ? 1 : 0, content: row.content ?? null };
      record.run(values);
      if (row.revision === latest.get(row.name)) page.run(values);
    }
  })();
  db.close();
  return { file, expected };
}

function encodings(file: string): { pending: number; compressed: number; plainOld: number } {
  const db = new Database(file, { readonly: true });
  try {
    const count = (sql: string) => db.prepare(sql).pluck().get() as number;
    return {
      pending: count('SELECT count(*) FROM pending_compression'),
      compressed: count(`SELECT count(*) FROM revisions WHERE encoding = ${REVISION_ENCODING.deflateRaw}`),
      // Old, not deleted, long enough to shrink, and still plain.
      plainOld: count(`SELECT count(*) FROM revisions r JOIN pages p ON p.name = r.name
                       WHERE r.revision < p.revision AND r.deleted = 0 AND r.size > 100 AND r.encoding = ${REVISION_ENCODING.plain}`),
    };
  } finally {
    db.close();
  }
}

describe('compact history on SQLite', () => {
  it('a store written before compression is converted in place, readable at every batch', async () => {
    const { file, expected } = legacySqlite(legacyHistory(6, 3000));
    const store = new SqlitePageStore(file, { shared: true, compaction: { background: false } });
    try {
      await assertReadable(store, expected, 'after the migration');
      const queued = encodings(file).pending;
      assert.equal(queued, 6 * 2 + 1 + 1, 'every old revision that is not a deletion is queued');
      const db = new Database(file);
      const compactor = new HistoryCompactor(sqliteCompaction(db), { background: false, batchRows: 3 });
      let batches = 0;
      while ((await compactor.step()) > 0) {
        batches++;
        await assertReadable(store, expected, `after batch ${batches}`);
      }
      await compactor.close();
      db.close();
      assert.equal(batches, Math.ceil(queued / 3));
      const done = encodings(file);
      assert.equal(done.pending, 0);
      assert.equal(done.plainOld, 0, 'no old revision of any length is left plain');
      assert.ok(done.compressed >= 6 * 2 + 1, `${done.compressed} revisions compressed`);
      // A write after the conversion is queued and compacted like the rest.
      const state = await store.head('Page 2');
      assert.ok((await store.put('Page 2', 'new text\n'.repeat(500), state.revision, { summary: '', author: 'after' })).ok);
      expected.set(`Page 2\n${state.revision + 1}`, 'new text\n'.repeat(500));
      assert.equal(encodings(file).pending, 1);
      await store.compactHistory();
      assert.equal(encodings(file).pending, 0);
      await assertReadable(store, expected, 'after a later write is compacted');
    } finally {
      await store.close();
    }
  });

  it('a compaction killed with SIGKILL midway is finished by the next start, nothing lost', async () => {
    const { file, expected } = legacySqlite(legacyHistory(40, 60_000));
    // The migration runs in the child; its queue is what the kill interrupts.
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', 'compacting-process.ts'), file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`the compacting process ended early (${code})`)));
      });
      const queued = encodings(file).pending;
      assert.ok(queued > 40, `${queued} revisions queued`);
      const deadline = Date.now() + 60_000;
      while (encodings(file).pending > queued * 0.7 && Date.now() < deadline) await sleep(5);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    const killedAt = encodings(file);
    assert.ok(killedAt.pending > 0 && killedAt.compressed > 0, `killed midway (${killedAt.pending} still queued, ${killedAt.compressed} compressed)`);
    const store = new SqlitePageStore(file, { compaction: { background: false } });
    try {
      await assertReadable(store, expected, 'after the kill');
      await store.compactHistory();
      await assertReadable(store, expected, 'after the restart finished the compaction');
    } finally {
      await store.close();
    }
    const done = encodings(file);
    assert.equal(done.pending, 0);
    assert.equal(done.plainOld, 0);
  });
});

// ---------------------------------------------------------------------------------------------
// PostgreSQL

const POSTGRES_URL = testDatabaseUrl();
const reach = await probePostgres(POSTGRES_URL, 2000);
const verdict = postgresVerdict(reach);
const schemas = reach.reachable ? new TestSchemas(POSTGRES_URL) : undefined;
after(async () => {
  await schemas?.close();
});

describe('compact history on PostgreSQL', () => {
  it('a store written before compression is converted in place, readable at every batch', verdict.skip === undefined ? {} : { skip: verdict.skip }, async () => {
    if (verdict.failure !== undefined) assert.fail(verdict.failure);
    const schema = schemas!.next();
    const pool = createPool({ url: POSTGRES_URL, schema, poolSize: 2 });
    pool.on('error', () => undefined);
    const { rows, latest, expected } = revisionRows(legacyHistory(6, 3000));
    try {
      await migratePostgres(pool, schema, SCHEMA_BEFORE_COMPACTION);
      for (const row of rows) {
        await pool.query(
          `INSERT INTO revisions (name, revision, deleted, etag, modified_ms, date_shared, size, summary, author, content)
           VALUES ($1, $2, $3, $4, 1, false, $5, '', 'before', $6)`,
          [row.name, row.revision, row.deleted, row.etag, row.size, row.content === undefined ? null : Buffer.from(row.content)],
        );
        if (row.revision === latest.get(row.name)) {
          await pool.query(
            `INSERT INTO pages (name, revision, deleted, etag, modified_ms, date_shared, size) VALUES ($1, $2, $3, $4, 1, false, $5)
             ON CONFLICT (name) DO UPDATE SET revision = excluded.revision, deleted = excluded.deleted, etag = excluded.etag, size = excluded.size`,
            [row.name, row.revision, row.deleted, row.etag, row.size],
          );
        }
      }
      const store = await openPostgresStore({ url: POSTGRES_URL, schema, compaction: { background: false } });
      try {
        const count = async (sql: string) => Number(((await pool.query(sql)).rows[0] as { count: string }).count);
        // Every old revision that is not a deletion, and the current revision of each of the 6
        // pages, as PostgreSQL now compresses current revisions too.
        assert.equal(await count('SELECT count(*) FROM pending_compression'), 6 * 2 + 1 + 1 + 6);
        await assertReadable(store, expected, 'after the migration');
        const compactor = new HistoryCompactor(postgresCompaction(pool), { background: false, batchRows: 3 });
        let batches = 0;
        while ((await compactor.step()) > 0) {
          batches++;
          await assertReadable(store, expected, `after batch ${batches}`);
        }
        assert.equal(batches, 7);
        assert.equal(await count('SELECT count(*) FROM pending_compression'), 0);
        assert.equal(
          await count(`SELECT count(*) FROM revisions WHERE NOT deleted AND size > 100 AND encoding = 0`),
          0,
          'no revision of any length, old or current, is left plain',
        );
        // A write stores its revision compressed at once: nothing is queued for the compactor.
        const state = await store.head('Page 2');
        assert.ok((await store.put('Page 2', 'new text\n'.repeat(500), state.revision, { summary: '', author: 'after' })).ok);
        expected.set(`Page 2\n${state.revision + 1}`, 'new text\n'.repeat(500));
        assert.equal(await count('SELECT count(*) FROM pending_compression'), 0);
        assert.equal(await count(`SELECT count(*) FROM revisions WHERE name = 'Page 2' AND revision = ${state.revision + 1} AND encoding = 1`), 1);
        await assertReadable(store, expected, 'after a later write');
        // A plain revision (as an older midair sharing the database writes it) is queued when superseded.
        await pool.query(`UPDATE revisions SET content = convert_to('plain again', 'UTF8'), encoding = 0, etag = $1, size = 11
                          WHERE name = 'Page 3' AND revision = (SELECT revision FROM pages WHERE name = 'Page 3')`, [revisionEtag('plain again')]);
        const page3 = await store.head('Page 3');
        expected.set(`Page 3\n${page3.revision}`, 'plain again');
        assert.ok((await store.put('Page 3', 'newer\n'.repeat(100), page3.revision, { summary: '', author: 'after' })).ok);
        expected.set(`Page 3\n${page3.revision + 1}`, 'newer\n'.repeat(100));
        assert.equal(await count('SELECT count(*) FROM pending_compression'), 1);
        await store.compactHistory();
        assert.equal(await count('SELECT count(*) FROM pending_compression'), 0);
        await assertReadable(store, expected, 'after a later write is compacted');
      } finally {
        await store.close();
      }
    } finally {
      await pool.end();
    }
  });
});
