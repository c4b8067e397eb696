// Compact storage on PostgreSQL (issue 13, item 7): a search index written before its snippet
// sources were deflated is converted in place when the store opens — the same hits and the
// same snippets after it — and a conversion killed midway is finished by the next start.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectionPool } from '../src/storage/postgres/driver.js';
import { createPool } from '../src/storage/postgres/driver.js';
import { openPostgresStore } from '../src/storage/postgres/postgres-store.js';
import { BEFORE_DEFLATED_SNIPPETS, migrate } from '../src/storage/postgres/schema.js';
import { revisionEtag } from '../src/storage/revision-etag.js';
import { snippetSource } from '../src/storage/search-snippet.js';
import { storedSnippetReference, unpackSnippetSource } from '../src/storage/search-snippet-source.js';
import { nameVectorLiteral, storedSearchText, tsvectorLiteral } from '../src/storage/search-terms.js';
import { postgresVerdict } from './support/backing.js';
import { probePostgres, TestSchemas, testDatabaseUrl } from './support/postgres.js';

/** The schema before the snippet sources were deflated. */
const SCHEMA_BEFORE_DEFLATED_SNIPPETS = BEFORE_DEFLATED_SNIPPETS;

const POSTGRES_URL = testDatabaseUrl();
const reach = await probePostgres(POSTGRES_URL, 2000);
const verdict = postgresVerdict(reach);
const schemas = reach.reachable ? new TestSchemas(POSTGRES_URL) : undefined;
after(async () => {
  await schemas?.close();
});

interface LegacyPage {
  readonly name: string;
  readonly content: string;
  /** The plain text the server indexed (here: the content without its Markdown marks). */
  readonly plain: string;
}

function plainOf(content: string): string {
  return content.replace(/[#*_`]/g, '');
}

/** Pages, rows and search rows exactly as the code of schema 7 wrote them: plain content, plain snippet source. */
async function writeLegacy(pool: ConnectionPool, pages: readonly LegacyPage[]): Promise<void> {
  for (let i = 0; i < pages.length; i += 500) {
    const chunk = pages.slice(i, i + 500);
    const search = chunk.map((page) => storedSearchText(page.plain));
    await pool.query(
      `WITH p AS (
         INSERT INTO pages (name, revision, deleted, etag, modified_ms, date_shared, size)
         SELECT name, 1, false, etag, 1, false, octet_length(content) FROM unnest($1::text[], $2::text[], $3::bytea[]) AS u(name, etag, content)
       ),
       r AS (
         INSERT INTO revisions (name, revision, deleted, etag, modified_ms, date_shared, size, summary, author, content)
         SELECT name, 1, false, etag, 1, false, octet_length(content), '', 'before', content FROM unnest($1::text[], $2::text[], $3::bytea[]) AS u(name, etag, content)
         RETURNING seq, name
       )
       INSERT INTO page_search (name, seq, body, vector, name_vector)
       SELECT r.name, r.seq, u.body, u.vector::tsvector, u.name_vector::tsvector
       FROM r JOIN unnest($1::text[], $4::text[], $5::text[], $6::text[]) AS u(name, body, vector, name_vector) ON u.name = r.name`,
      [
        chunk.map((page) => page.name),
        chunk.map((page) => revisionEtag(page.content)),
        chunk.map((page) => Buffer.from(page.content, 'utf8')),
        search.map((text) => snippetSource(text)),
        chunk.map((page, j) => tsvectorLiteral(page.name, search[j]!)),
        chunk.map((page) => nameVectorLiteral(page.name)),
      ],
    );
  }
}

/** Every search row's snippet source, read back as the store reads it: name → text. */
async function snippetSources(pool: ConnectionPool): Promise<Map<string, string | null>> {
  // Before the migration there is no snippet column.
  const { rows: columns } = await pool.query("SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'page_search' AND column_name = 'snippet'");
  const { rows } = await pool.query(
    `SELECT s.name, s.body, ${columns.length > 0 ? 's.snippet' : 'NULL::bytea AS snippet'}, r.content, r.encoding FROM page_search s JOIN revisions r ON r.seq = s.seq ORDER BY s.name`,
  );
  type Row = { name: string; body: string | null; snippet: Buffer | null; content: Buffer; encoding: number };
  const source = async (row: Row) => row.body ?? (row.snippet && unpackSnippetSource(row.snippet, await storedSnippetReference(row.encoding, row.content)));
  return new Map(await Promise.all((rows as Row[]).map(async (row) => [row.name, await source(row)] as const)));
}

async function countOf(pool: ConnectionPool, sql: string): Promise<number> {
  return Number(((await pool.query(sql)).rows[0] as { count: string }).count);
}

describe('the search index of an existing PostgreSQL store, converted in place', () => {
  it('snippet sources are deflated when the store opens; searches find the same pages with the same snippets', verdict.skip === undefined ? {} : { skip: verdict.skip }, async () => {
    if (verdict.failure !== undefined) assert.fail(verdict.failure);
    const pages: LegacyPage[] = [
      { name: 'Release Notes', content: '# Release notes\n\nThe **canary** rollout starts on _Monday_.\n', plain: '' },
      { name: 'Canary', content: `# Canary\n\n${'Filler words about nothing. '.repeat(2000)}then the canary sings.\n`, plain: '' },
      { name: 'Unicode', content: '# Ünïcode\n\nCafé naïve résumé 😀 and NUL \u0000 kept.\n', plain: '' },
    ].map((page) => ({ ...page, plain: plainOf(page.content) }));
    const legacy = schemas!.next();
    const fresh = schemas!.next();
    const pool = createPool({ url: POSTGRES_URL, schema: legacy, poolSize: 2 });
    pool.on('error', () => undefined);
    try {
      await migrate(pool, legacy, SCHEMA_BEFORE_DEFLATED_SNIPPETS);
      await writeLegacy(pool, pages);
      const before = await snippetSources(pool);
      const converted = await openPostgresStore({ url: POSTGRES_URL, schema: legacy, compaction: { background: false } });
      const written = await openPostgresStore({ url: POSTGRES_URL, schema: fresh, compaction: { background: false } });
      try {
        assert.equal(await countOf(pool, 'SELECT count(*) FROM page_search WHERE body IS NOT NULL OR snippet IS NULL'), 0, 'every row converted');
        assert.deepEqual(await snippetSources(pool), before, 'each snippet source reads back unchanged');
        for (const page of pages) assert.ok((await written.put(page.name, page.content, 0, { summary: '', author: 'now', searchText: page.plain })).ok);
        for (const query of ['canary', 'canary sings', '"the canary"', 'monday', 'cafe', 'resu', 'nothing']) {
          const [a, b] = [await converted.search(query, 10), await written.search(query, 10)];
          assert.ok(b.length > 0, `${query} finds something`);
          assert.deepEqual(a, b, `${query}: the converted store answers as a store written now`);
        }
        // The current revisions, stored plain before, are compressed by the compactor, and stay readable.
        await converted.compactHistory();
        for (const page of pages) {
          assert.equal(await converted.content(page.name, 1), page.content);
          assert.equal((await converted.revision(page.name, 1))?.etag, revisionEtag(page.content));
        }
        assert.deepEqual(await snippetSources(pool), before, 'snippet sources still read back after the content is compressed');
        assert.deepEqual(await converted.search('canary', 10), await written.search('canary', 10));
      } finally {
        await converted.close();
        await written.close();
      }
    } finally {
      await pool.end();
    }
  });

  it('a conversion killed with SIGKILL midway is finished by the next start, nothing lost', verdict.skip === undefined ? {} : { skip: verdict.skip }, async () => {
    if (verdict.failure !== undefined) assert.fail(verdict.failure);
    const schema = schemas!.next();
    const pool = createPool({ url: POSTGRES_URL, schema, poolSize: 2 });
    pool.on('error', () => undefined);
    const pages: LegacyPage[] = Array.from({ length: 2000 }, (_, i) => {
      const content = `# Page ${i}\n\n${`Paragraph ${i} of **page** ${i}, word${i} and more. `.repeat(100)}`;
      return { name: `Page ${String(i).padStart(4, '0')}`, content, plain: plainOf(content) };
    });
    try {
      await migrate(pool, schema, SCHEMA_BEFORE_DEFLATED_SNIPPETS);
      await writeLegacy(pool, pages);
      const before = await snippetSources(pool);
      const plain = () => countOf(pool, 'SELECT count(*) FROM page_search WHERE body IS NOT NULL');
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', 'opening-postgres-process.ts'), POSTGRES_URL, schema], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let opened = false;
      child.stdout.on('data', () => (opened = true));
      try {
        const deadline = Date.now() + 60_000;
        while ((await plain()) === pages.length && !opened && Date.now() < deadline) await sleep(5);
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      const left = await plain();
      assert.ok(!opened && left > 0 && left < pages.length, `killed midway (${left} of ${pages.length} rows still plain)`);
      assert.deepEqual(await snippetSources(pool), before, 'half converted, every snippet source reads back');
      const store = await openPostgresStore({ url: POSTGRES_URL, schema, compaction: { background: false } });
      try {
        assert.equal(await plain(), 0);
        assert.deepEqual(await snippetSources(pool), before, 'converted, every snippet source reads back');
        const hits = await store.search('word1234', 10);
        assert.deepEqual(hits.map((hit) => hit.name), ['Page 1234']);
        assert.match(hits[0]!.snippet, /word1234/);
      } finally {
        await store.close();
      }
    } finally {
      await pool.end();
    }
  });
});
