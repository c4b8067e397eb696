// Search is the same on every store: one corpus loaded into SQLite and PostgreSQL, the same
// queries, the same pages in the same order, the same snippets. Ranking within a tier is each
// store's own (bm25, ts_rank), so the corpus keeps relevance unambiguous where order matters:
// the filler pages differ only in how often they say "the".
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openPostgresStore } from '../src/storage/postgres/postgres-store.js';
import { SqlitePageStore } from '../src/storage/sqlite/sqlite-store.js';
import { RANKED_MATCHES } from '../src/storage/search-query.js';
import { type PageStore, SNIPPET_MARK_CLOSE as C, SNIPPET_MARK_OPEN as O } from '../src/storage/store.js';
import { searchText } from '../src/pages/plain-text.js';
import { postgresVerdict } from './support/backing.js';
import { probePostgres, TestSchemas, testDatabaseUrl } from './support/postgres.js';

const FILLER = ['alpha', 'bravo', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike'];

/** Equal-length pages: page k says "the" k times, so every ranking puts the higher k first. */
function filler(k: number): string {
  return Array.from({ length: FILLER.length }, (_, i) => (i < k ? 'the' : FILLER[i]!)).join(' ');
}

const CORPUS: Record<string, string> = {
  'Onboarding Guide': '# Welcome\n\nNew **people** start here: accounts, laptops and a [checklist](https://intranet.example/list).',
  'Rollout Plan': '## Waves\n\nA rollout happens in waves. Canary steps: https://deploy.example.com/canary-release/steps today.',
  'Memory Leak': 'A parser bug was fixed in March.',
  'Heap Report': 'We found a memory leak in a parser; heap grew.',
  'Parser Notes': 'A leak of memory under load: memory use grew.',
  'Café Menu': 'Crème brûlée and café au lait; a naïve coffee.',
  'Zlib': 'Compression with `zlib.inflate()` and | tables | here |\n|---|---|\n| zlib | fast |',
  'Quotes': 'He said "hello world" and left. Operators AND OR NOT stay words.',
  ...Object.fromEntries(Array.from({ length: 10 }, (_, k) => [`Filler ${String(k + 1).padStart(2, '0')}`, filler(k + 1)])),
};

const QUERIES = [
  'the',
  'memory leak',
  '"memory leak"',
  'Onboard',
  'roll*',
  'canary',
  'deploy',
  'release steps',
  'creme brulee',
  'CAFÉ',
  'naive',
  'zlib',
  'inflate',
  'parser',
  '"hello world"',
  '"world hello"',
  'people',
  'waves rollout',
  '"',
  '*',
  'AND OR NOT',
  '-',
  '(',
  '""',
  '"unterminated phrase',
  'a',
  'x'.repeat(300),
  Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '),
];

const POSTGRES_URL = testDatabaseUrl();
const reach = await probePostgres(POSTGRES_URL, 2000);
const verdict = postgresVerdict(reach);
const schemas = reach.reachable ? new TestSchemas(POSTGRES_URL) : undefined;
const dir = mkdtempSync(join(tmpdir(), 'midair-search-'));
const stores: PageStore[] = [];

async function load(store: PageStore): Promise<PageStore> {
  stores.push(store);
  for (const [name, markdown] of Object.entries(CORPUS)) {
    const result = await store.put(name, markdown, 0, { summary: '', author: 'test', searchText: searchText(markdown) });
    assert.ok(result.ok, name);
  }
  // More pages saying "common" than any query ranks, in name order and in batches of one
  // write statement, so both stores number them (seq) alike.
  const bulk = Array.from({ length: RANKED_MATCHES + 60 }, (_, i) => `Bulk ${String(i).padStart(5, '0')}`);
  const titled = new Set(['Bulk 00007', 'Bulk 01000', 'Bulk 02001']);
  for (let i = 0; i < bulk.length; i += 50) {
    const writes = bulk.slice(i, i + 50).map((name) => store.put(titled.has(name) ? `${name} Common` : name, `Plain common text, page ${name}.`, 0, { summary: '', author: 'test' }));
    assert.ok((await Promise.all(writes)).every((result) => result.ok));
  }
  return store;
}

let sqlite: PageStore;
let postgres: PageStore | undefined;

before(async () => {
  sqlite = await load(new SqlitePageStore(join(dir, 'search.sqlite3')));
  if (schemas) postgres = await load(await openPostgresStore({ url: POSTGRES_URL, schema: schemas.next() }));
});

after(async () => {
  await Promise.allSettled(stores.map((store) => store.close()));
  await schemas?.close();
  rmSync(dir, { recursive: true, force: true });
});

const names = async (store: PageStore, query: string, limit = 50, offset = 0) =>
  (await store.search(query, limit, offset)).map((hit) => hit.name);

describe('search finds what people type (SQLite)', () => {
  const cases: [string, string, string[]][] = [
    ['a common word: every page saying it, most often first', 'the', ['Filler 10', 'Filler 09', 'Filler 08', 'Filler 07', 'Filler 06', 'Filler 05', 'Filler 04', 'Filler 03', 'Filler 02', 'Filler 01']],
    ['the last word typed is a prefix', 'Onboard', ['Onboarding Guide']],
    ['a trailing * is a prefix', 'roll*', ['Rollout Plan']],
    ['a quoted phrase is a phrase; the title match first', '"memory leak"', ['Memory Leak', 'Heap Report']],
    ['a phrase in the wrong order is not found', '"world hello"', []],
    ['words in any order: the title match first, then the page saying them most', 'memory leak', ['Memory Leak', 'Parser Notes', 'Heap Report']],
    ['a word inside a URL', 'canary', ['Rollout Plan']],
    ['a host name inside a URL', 'deploy', ['Rollout Plan']],
    ['diacritics do not matter, either way', 'creme brulee', ['Café Menu']],
    ['diacritics and case in the query', 'CAFÉ', ['Café Menu']],
    ['a word inside code', 'inflate', ['Zlib']],
    ['a title word outranks body words', 'zlib', ['Zlib']],
    ['operators are words', 'AND OR NOT', ['Quotes']],
  ];
  for (const [title, query, expected] of cases) {
    it(`${title}: ${query}`, async () => {
      assert.deepEqual(await names(sqlite, query), expected);
    });
  }

  it('junk input finds nothing and never throws', async () => {
    for (const query of ['"', '*', '-', '(', '""', ')', '^', ':', 'NEAR(', '{', '+', "'"]) assert.deepEqual(await names(sqlite, query), [], query);
  });

  it('snippets are plain text with the matched words marked: no Markdown syntax', async () => {
    const [hit] = await sqlite.search('people', 10);
    assert.equal(hit?.snippet, `Welcome New ${O}people${C} start here: accounts, laptops and a checklist.`);
    const [url] = await sqlite.search('canary', 10);
    assert.match(url!.snippet, new RegExp(`${O}Canary${C} steps: https://deploy.example.com/${O}canary${C}-release/steps today`));
  });

  it('pages follow one another: limit and offset cut the same order', async () => {
    const all = await names(sqlite, 'the');
    assert.deepEqual([...(await names(sqlite, 'the', 4)), ...(await names(sqlite, 'the', 4, 4)), ...(await names(sqlite, 'the', 4, 8))], all);
  });

  it('an unselective query lists the name matches, then the newest pages, and pages through them', async () => {
    const first = await names(sqlite, 'common', 5);
    assert.deepEqual(first, ['Bulk 02001 Common', 'Bulk 01000 Common', 'Bulk 00007 Common', 'Bulk 02059', 'Bulk 02058']);
    assert.deepEqual(await names(sqlite, 'common', 3, 2), ['Bulk 00007 Common', 'Bulk 02059', 'Bulk 02058']);
    assert.deepEqual(await names(sqlite, 'common', 2, RANKED_MATCHES + 58), ['Bulk 00001', 'Bulk 00000']);
    assert.deepEqual(await names(sqlite, 'common', 2, RANKED_MATCHES + 60), []);
  });

  it('a store whose index is missing fills it when it opens, with the plain text it is given (the migration of an existing store)', async () => {
    const file = join(dir, 'legacy.sqlite3');
    const store = new SqlitePageStore(file);
    await store.put('Legacy Page', 'Some **legacy** words.', 0, { summary: '', author: 'test' });
    await store.close();
    const db = new Database(file);
    db.exec('DELETE FROM search_text; DELETE FROM page_search;');
    db.close();
    const reopened = new SqlitePageStore(file, { plainText: searchText });
    stores.push(reopened);
    assert.deepEqual((await reopened.search('legacy', 10)).map((hit) => [hit.name, hit.snippet]), [['Legacy Page', `Some ${O}legacy${C} words.`]]);
  });
});

describe('search is the same on SQLite and PostgreSQL', { skip: verdict.skip }, () => {
  it('runs at all', () => {
    if (verdict.failure) assert.fail(verdict.failure);
  });

  for (const query of QUERIES) {
    it(`the same pages, order and snippets: ${query.slice(0, 40)}`, async () => {
      const [a, b] = [await sqlite.search(query, 50), await postgres!.search(query, 50)];
      assert.deepEqual(b.map((hit) => [hit.name, hit.snippet]), a.map((hit) => [hit.name, hit.snippet]));
    });
  }

  it('the same second page', async () => {
    assert.deepEqual(await names(postgres!, 'the', 3, 3), await names(sqlite, 'the', 3, 3));
  });

  it('the same unselective results, page by page', async () => {
    for (const [limit, offset] of [[5, 0], [3, 2], [50, 1000], [2, RANKED_MATCHES + 58], [2, RANKED_MATCHES + 60]] as const) {
      assert.deepEqual(await names(postgres!, 'common', limit, offset), await names(sqlite, 'common', limit, offset), `${limit} after ${offset}`);
    }
    const [a, b] = [await sqlite.search('plain common', 3), await postgres!.search('plain common', 3)];
    assert.deepEqual(b.map((hit) => [hit.name, hit.snippet]), a.map((hit) => [hit.name, hit.snippet]));
  });

  it('a store whose index is missing fills it when it opens, with the plain text it is given (the migration of an existing store)', async () => {
    const schema = schemas!.next();
    const store = await openPostgresStore({ url: POSTGRES_URL, schema });
    await store.put('Legacy Page', 'Some **legacy** words.', 0, { summary: '', author: 'test' });
    await store.close();
    await schemas!.query(`DELETE FROM "${schema}".page_search`);
    const reopened = await openPostgresStore({ url: POSTGRES_URL, schema, plainText: searchText });
    stores.push(reopened);
    assert.deepEqual((await reopened.search('legacy', 10)).map((hit) => [hit.name, hit.snippet]), [['Legacy Page', `Some ${O}legacy${C} words.`]]);
  });
});
