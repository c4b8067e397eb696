// No query per item (issue 13, item 4): every wiki view and API route sends the database the
// same number of statements whether a page has 10 links or 200, a history 10 revisions or 200,
// the wiki 10 pages or 200. Counted in-process on both stores (the stores' onStatement hook),
// through the real server's routes (Fastify inject).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../src/app.js';
import { openPostgresStore } from '../src/storage/postgres/postgres-store.js';
import { SqlitePageStore } from '../src/storage/sqlite/sqlite-store.js';
import type { PageStore } from '../src/storage/store.js';
import { postgresTestOptions } from './support/cluster.js';
import { TestSchemas, testDatabaseUrl } from './support/postgres.js';

const SMALL = 10;
const LARGE = 200;
/** No view needs more than this many statements, whatever the page. */
const MOST = 8;

interface Counted {
  readonly app: FastifyInstance;
  readonly store: PageStore;
  /** Statements sent while `run` ran. */
  count(run: () => Promise<unknown>): Promise<number>;
  close(): Promise<void>;
}

type Opener = (onStatement: (text: string) => void) => Promise<{ store: PageStore; remove: () => Promise<void> }>;

async function counted(open: Opener): Promise<Counted> {
  let statements = 0;
  // The change poller's PRAGMA and the history compactor's batches run on timers, not for any request.
  const { store, remove } = await open((text) => {
    if (!/^PRAGMA data_version/i.test(text.trim()) && !/pending_compression/.test(text)) statements++;
  });
  const app = await buildServer({ store, logLevel: 'warn' });
  return {
    app,
    store,
    async count(run) {
      const before = statements;
      await run();
      return statements - before;
    },
    async close() {
      await app.close();
      await store.close();
      await remove();
    },
  };
}

const by = { summary: 'fixture', author: 'fixture' };

/** `n` links (half to pages that exist), `n` revisions, `n` pages, named apart per size. */
async function fixture(store: PageStore, n: number): Promise<Record<string, string>> {
  const prefix = `S${n}`;
  for (let i = 0; i < n; i++) assert.ok((await store.put(`${prefix} Target ${i}`, `target ${i} text of ${prefix}`, 0, by)).ok);
  const links = Array.from({ length: n }, (_, i) => `[[${prefix} ${i % 2 ? 'Target' : 'Missing'} ${i}]]`).join(' ');
  assert.ok((await store.put(`${prefix} Links`, links, 0, by)).ok);
  for (let i = 0; i < n; i++) assert.ok((await store.put(`${prefix} History`, `revision ${i + 1} text of ${prefix}`, i, by)).ok);
  const page = (name: string) => `/wiki/${encodeURIComponent(`${prefix} ${name}`)}`;
  const api = (name: string) => `/api/pages/${encodeURIComponent(`${prefix} ${name}`)}`;
  return {
    'page view (links), first': page('Links'),
    'page view (links), again': page('Links'),
    'page view (links), revalidated': page('Links'),
    'old revision': `${page('Links')}/revisions/1`,
    editor: `${page('Links')}/edit`,
    history: `${page('History')}/history`,
    diff: `${page('History')}/diff?from=1&to=${n}`,
    'page list': '/wiki',
    'recent changes': '/',
    "one page's changes": `/?page=${encodeURIComponent(`${prefix} History`)}`,
    search: '/search?q=text',
    'API page list': '/api/pages?limit=1000',
    'API revisions': `${api('History')}/revisions?limit=1000`,
    'API changes': '/api/changes?limit=1000',
    'API page': api('Links'),
    'API revision': `${api('History')}/revisions/1`,
  };
}

/** Statements of each route, in order, on a fresh store holding the fixture of size `n`. */
async function countsOf(open: Opener, n: number): Promise<Record<string, number>> {
  const server = await counted(open);
  try {
    const routes = await fixture(server.store, n);
    await new Promise((resolve) => setTimeout(resolve, 100)); // change notices settle
    // The history compactor works after writes, in the background: finish it before counting.
    await server.store.compactHistory?.();
    const counts: Record<string, number> = {};
    for (const [route, url] of Object.entries(routes)) {
      counts[route] = await server.count(async () => {
        const res = await server.app.inject({ method: 'GET', url });
        assert.equal(res.statusCode, 200, `${route}: ${res.body.slice(0, 300)}`);
        assert.ok(res.body.length > 0);
      });
    }
    const prefix = `S${n}`;
    const links = Array.from({ length: n }, (_, i) => `[[${prefix} Target ${i}]]`).join(' ');
    counts['preview'] = await server.count(async () => {
      const res = await server.app.inject({
        method: 'POST',
        url: `/wiki/${encodeURIComponent(`${prefix} Draft`)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:80', host: 'localhost:80' },
        payload: new URLSearchParams({ content: links, intent: 'preview', baseEtag: '' }).toString(),
      });
      assert.equal(res.statusCode, 200, `preview: ${res.body.slice(0, 300)}`);
    });
    return counts;
  } finally {
    await server.close();
  }
}

async function assertNoQueryPerItem(open: Opener): Promise<void> {
  const small = await countsOf(open, SMALL);
  const large = await countsOf(open, LARGE);
  if (process.env["SHOW_COUNTS"]) console.log(JSON.stringify({ small, large }));
  for (const route of Object.keys(small)) {
    assert.equal(large[route], small[route], `${route}: ${small[route]} statements with ${SMALL} items, ${large[route]} with ${LARGE}`);
    assert.ok(small[route]! <= MOST, `${route}: ${small[route]} statements`);
  }
  // The first page view asks which of its links exist: one statement, not one per link. (A
  // repeated view may ask nothing: SQLite's keeps the answer until a linked page changes.)
  assert.ok(small['page view (links), first']! >= 1, 'the counting hears the statements');
}

describe('statements per request do not grow with links, revisions or pages', () => {
  it('SQLite', async () => {
    await assertNoQueryPerItem(async (onStatement) => {
      const dir = mkdtempSync(join(tmpdir(), 'midair-queries-'));
      return { store: new SqlitePageStore(join(dir, 'midair.sqlite3'), { onStatement }), remove: async () => rmSync(dir, { recursive: true, force: true }) };
    });
  });

  describe('PostgreSQL', postgresTestOptions(), () => {
    const schemas = new TestSchemas(testDatabaseUrl());
    after(async () => schemas.close());
    it('PostgreSQL', async () => {
      await assertNoQueryPerItem(async (onStatement) => {
        const schema = schemas.next();
        return { store: await openPostgresStore({ url: testDatabaseUrl(), schema, onStatement }), remove: () => schemas.drop(schema) };
      });
    });
  });
});
