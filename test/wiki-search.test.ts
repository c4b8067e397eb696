// /search renders what a PageSearch finds (the SQLite and PostgreSQL stores provide one);
// here a recording fake stands in for the store's full-text index.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { HttpProblem } from '../src/http/errors.js';
import { ResponseCaches } from '../src/http/response-caches.js';
import { ResourceTable } from '../src/http/resources.js';
import type { PageStore } from '../src/storage/store.js';
import { openStore } from '../src/storage/index.js';
import { Pages } from '../src/pages/index.js';
import { registerWikiRoutes } from '../src/ui/register.js';
import { WorkPool } from '../src/work/pool.js';
import { type AppTasks, TASK_WORKER } from '../src/worker-tasks.js';
import { type PageSearch, SNIPPET_MARK_CLOSE as C, SNIPPET_MARK_OPEN as O, snippetParts } from '../src/ui/search.js';
import { createPage, putPage, request } from './support/http.js';
import { removeDir, serverPerSuite, tempDir } from './support/server.js';

const asked: [string, number, number | undefined][] = [];
/** 120 hits for "many", in pages as the store would cut them. */
const MANY = Array.from({ length: 120 }, (_, i) => ({ name: `Many ${String(i + 1).padStart(3, '0')}`, snippet: 'x', rank: i }));
const fake: PageSearch = {
  async search(query, limit, offset = 0) {
    asked.push([query, limit, offset]);
    if (query === 'nothing') return [];
    if (query.toLowerCase().trim() === 'many') return MANY.slice(offset, offset + limit);
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
let work: WorkPool<AppTasks>;
let address: string;
const dataDir = tempDir();

before(async () => {
  store = await openStore({ dataDir });
  app = Fastify({ exposeHeadRoutes: false });
  // The per-server response caches sendRepresentation uses (createHttpServer installs them in the app).
  new ResponseCaches().install(app);
  work = new WorkPool(TASK_WORKER, { threads: 1, timeBudgetMs: 3000 });
  const writer = () => ({ author: 'tester', unlessProtected: false, protectedRefusal: () => new HttpProblem('page-protected', 'protected') });
  await registerWikiRoutes(app, { store, resources: new ResourceTable(), writer, search: fake, work, pages: new Pages(store, work) });
  address = await app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await app.close();
  await work.close();
  await store.close();
  removeDir(dataDir);
});

describe('/search with a search backend', () => {
  it('lists hits in the order given, names linked, matches marked, everything else escaped', async () => {
    const res = await fetch(`${address}/search?q=${encodeURIComponent('  precondition <x> ')}`);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.deepEqual(asked.at(-1), ['precondition <x>', 51, 0], 'one hit more than shown says whether more follow');
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

  it('paginates: 50 a page, a link to more results while there are more, the last page says so', async () => {
    const first = await (await fetch(`${address}/search?q=many`)).text();
    assert.equal([...first.matchAll(/<a class="title"/g)].length, 50);
    assert.match(first, /Results 1–50, best match first/);
    assert.match(first, /<a rel="next" href="\/search\?q=many&amp;page=2">More results<\/a>/);
    assert.doesNotMatch(first, /rel="prev"/);
    const last = await (await fetch(`${address}/search?q=many&page=3`)).text();
    assert.deepEqual([...last.matchAll(/<a class="title" href="[^"]+">([^<]+)</g)].map((m) => m[1]).slice(0, 2), ['Many 101', 'Many 102']);
    assert.match(last, /Results 101–120 \(the last\)/);
    assert.match(last, /<ol class="results" start="101">/);
    assert.match(last, /<a rel="prev" href="\/search\?q=many&amp;page=2">/);
    assert.doesNotMatch(last, /rel="next"/);
    assert.match(await (await fetch(`${address}/search?q=many&page=4`)).text(), /No more results/);
  });

  it('a page number that is not 1 to 20 is a 400 HTML page, never a 500', async () => {
    for (const page of ['0', '-1', 'abc', '21', '1e3', '99999999999999999999', '']) {
      const res = await fetch(`${address}/search?q=many&page=${encodeURIComponent(page)}`);
      assert.equal(res.status, 400, page);
      assert.match(String(res.headers.get('content-type')), /^text\/html/, page);
    }
  });

  it('results are cached per normalised query until the store changes', async () => {
    await fetch(`${address}/search?q=many&page=2`);
    const before = asked.length;
    for (const q of ['many', 'MANY', ' many ', 'many*']) await fetch(`${address}/search?q=${encodeURIComponent(q)}&page=2`);
    assert.equal(asked.length, before, 'one search served them all');
    await store.put('Cache Breaker', 'x', 0, { summary: '', author: 'tester' });
    await fetch(`${address}/search?q=many&page=2`);
    assert.equal(asked.length, before + 1, 'a change makes the next search ask the store again');
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
});

describe('/search against a real server and its store (SQLite FTS5)', () => {
  const suite = serverPerSuite();

  it('finds current pages by their words, best first, with the matches marked, and follows edits', async () => {
    const first = await createPage(suite.url, 'Back Garden', 'Apples and pears grow in the orchard behind the house.');
    await createPage(suite.url, 'Kitchen', 'Apples become pie in the kitchen.');
    const found = await request(`${suite.url}/search?q=${encodeURIComponent('apples orchard')}`);
    assert.equal(found.status, 200);
    assert.match(String(found.headers['content-type']), /^text\/html/);
    const html = found.text();
    assert.match(html, /href="\/wiki\/Back%20Garden"/);
    assert.doesNotMatch(html, /href="\/wiki\/Kitchen"/, 'every word is required');
    assert.match(html, /<mark>orchard<\/mark>/i);
    await putPage(suite.url, 'Back Garden', 'Only a lawn now.', { 'if-match': first });
    assert.doesNotMatch((await request(`${suite.url}/search?q=orchard`)).text(), /href="\/wiki\/Back%20Garden"/, 'the index follows the current revision');
  });

  it('finds prefixes, phrases and words inside URLs; titles first; snippets without Markdown syntax', async () => {
    await createPage(suite.url, 'Onboarding Checklist', '# Start\n\nRead the **rollout** notes at https://wiki.example.com/canary-steps first.');
    await createPage(suite.url, 'Release Notes', 'Every rollout starts with the onboarding checklist.');
    const titles = async (q: string) =>
      [...(await request(`${suite.url}/search?q=${encodeURIComponent(q)}`)).text().matchAll(/<a class="title" href="[^"]+">([^<]+)</g)].map((m) => m[1]);
    assert.deepEqual(await titles('Onboard'), ['Onboarding Checklist', 'Release Notes'], 'the title match first');
    assert.deepEqual((await titles('roll*')).sort(), ['Onboarding Checklist', 'Release Notes'], 'a prefix');
    assert.deepEqual(await titles('"onboarding checklist"'), ['Onboarding Checklist', 'Release Notes']);
    assert.deepEqual(await titles('"checklist onboarding"'), []);
    assert.deepEqual(await titles('canary'), ['Onboarding Checklist']);
    const html = (await request(`${suite.url}/search?q=rollout+notes`)).text();
    assert.match(html, /Read the <mark>rollout<\/mark> <mark>notes<\/mark> at https:\/\/wiki\.example\.com\/canary-steps first\./);
    assert.doesNotMatch(html, /\*\*|^#/m);
  });

  it('treats query syntax as words: quotes, parentheses and operators are harmless', async () => {
    for (const q of ['"', '(apples', 'apples OR', 'NOT *', "'; DROP TABLE pages; --"]) {
      const res = await request(`${suite.url}/search?q=${encodeURIComponent(q)}`);
      assert.equal(res.status, 200, q);
    }
  });
});
