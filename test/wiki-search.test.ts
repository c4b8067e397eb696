// /search renders what a PageSearch finds (the SQLite and PostgreSQL stores provide one);
// here a recording fake stands in for the store's full-text index.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { HttpProblem } from '../src/http/errors.js';
import { ResourceTable } from '../src/http/resources.js';
import type { PageStore } from '../src/storage/store.js';
import { openStore } from '../src/storage/index.js';
import { registerWikiRoutes } from '../src/ui/register.js';
import { asPageSearch, type PageSearch, SNIPPET_MARK_CLOSE as C, SNIPPET_MARK_OPEN as O, snippetParts } from '../src/ui/search.js';
import { createPage, putPage, request } from './support/http.js';
import { removeDir, serverPerSuite, tempDir } from './support/server.js';

const asked: [string, number][] = [];
const fake: PageSearch = {
  async search(query, limit) {
    asked.push([query, limit]);
    if (query === 'nothing') return [];
    const extra = (await store.head('Anything')).exists ? [{ name: 'Anything', snippet: 'x', rank: -1 }] : [];
    return [
      ...extra,
      { name: 'Best <Match>', snippet: `…the ${O}precondition${C} <b>fails</b>…`, rank: -9.5 },
      { name: 'Second', snippet: `a ${O}precondition${C} here`, rank: -2 },
    ];
  },
};

let app: FastifyInstance;
let store: PageStore;
let address: string;
const dataDir = tempDir();

before(async () => {
  store = await openStore({ dataDir });
  app = Fastify({ exposeHeadRoutes: false });
  await registerWikiRoutes(app, { store, resources: new ResourceTable(), writer: () => ({ author: 'tester', unlessProtected: false, protectedRefusal: () => new HttpProblem('page-protected', 'protected') }), search: fake });
  address = await app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await app.close();
  await store.close();
  removeDir(dataDir);
});

describe('/search with a search backend', () => {
  it('lists hits in the order given, names linked, matches marked, everything else escaped', async () => {
    const res = await fetch(`${address}/search?q=${encodeURIComponent('  precondition <x> ')}`);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.deepEqual(asked.at(-1), ['precondition <x>', 50]);
    const names = [...html.matchAll(/<a class="title" href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(names, [['/wiki/Best%20%3CMatch%3E', 'Best &lt;Match&gt;'], ['/wiki/Second', 'Second']]);
    assert.match(html, /<p class="snippet">…the <mark>precondition<\/mark> &lt;b&gt;fails&lt;\/b&gt;…<\/p>/);
    assert.match(html, /value="precondition &lt;x&gt;"/, 'the query stays in the search box');
    assert.match(html, /2 pages found/);
  });

  it('no hits: says so and offers the page of that name', async () => {
    const html = await (await fetch(`${address}/search?q=nothing`)).text();
    assert.match(html, /No page contains <strong>nothing<\/strong>/);
    assert.match(html, /href="\/wiki\/nothing"/);
  });

  it('an empty query does not search', async () => {
    const before = asked.length;
    const res = await fetch(`${address}/search?q=%20`);
    assert.equal(res.status, 200);
    assert.equal(asked.length, before);
  });

  it('results are revalidated against the change sequence: a write that changes them changes the ETag', async () => {
    const first = await fetch(`${address}/search?q=precondition`);
    const etag = first.headers.get('etag')!;
    assert.equal((await fetch(`${address}/search?q=precondition`, { headers: { 'if-none-match': etag } })).status, 304);
    await store.put('Anything', 'x', 0, { summary: '', author: 'tester' });
    assert.equal((await fetch(`${address}/search?q=precondition`, { headers: { 'if-none-match': etag } })).status, 200);
  });
});

describe('search helpers', () => {
  it('snippetParts splits marked runs and drops stray marks', () => {
    assert.deepEqual(snippetParts(`a ${O}b${C} c${C}`), [
      { text: 'a ', marked: false },
      { text: 'b', marked: true },
      { text: ' c', marked: false },
    ]);
  });

  it('a store with a search method is a PageSearch; one without is not', () => {
    assert.equal(asPageSearch({ search: async () => [] })?.search !== undefined, true);
    assert.equal(asPageSearch({}), undefined);
    assert.equal(asPageSearch(null), undefined);
  });
});

describe('/search against a real server and its store (SQLite FTS5)', () => {
  const suite = serverPerSuite();

  it('finds current pages by their words, best first, with the matches marked, and follows edits', async () => {
    const first = await createPage(suite.url, 'Orchard', 'Apples and pears grow in the orchard behind the house.');
    await createPage(suite.url, 'Kitchen', 'Apples become pie in the kitchen.');
    const found = await request(`${suite.url}/search?q=${encodeURIComponent('apples orchard')}`);
    assert.equal(found.status, 200);
    assert.match(String(found.headers['content-type']), /^text\/html/);
    const html = found.text();
    assert.match(html, /href="\/wiki\/Orchard"/);
    assert.doesNotMatch(html, /href="\/wiki\/Kitchen"/, 'every word is required');
    assert.match(html, /<mark>orchard<\/mark>/i);
    await putPage(suite.url, 'Orchard', 'Only a lawn now.', { 'if-match': first });
    assert.doesNotMatch((await request(`${suite.url}/search?q=orchard`)).text(), /href="\/wiki\/Orchard"/, 'the index follows the current revision');
  });

  it('treats query syntax as words: quotes, parentheses and operators are harmless', async () => {
    for (const q of ['"', '(apples', 'apples OR', 'NOT *', "'; DROP TABLE pages; --"]) {
      const res = await request(`${suite.url}/search?q=${encodeURIComponent(q)}`);
      assert.equal(res.status, 200, q);
    }
  });
});
