// Recent changes hide nothing (issue 13, item 6): the front page and GET /api/changes page back
// to the very first change, filter by page and by author, and show a deletion inside a run of
// one page's changes. Over real HTTP against a real server, on a store written beforehand with
// known authors and one day's clock.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqlitePageStore } from '../src/storage/sqlite/sqlite-store.js';
import { decodeEntities, visibleText } from './e2e/html.js';
import { putPage, request } from './support/http.js';
import { type RunningServer, removeDir, startServer, tempDir } from './support/server.js';

const PAGES = 10;
const CHANGES = 130;
const NOON = Date.UTC(2024, 4, 1, 12);

let server: RunningServer;
let base: string;

before(async () => {
  const dataDir = tempDir();
  let tick = 0;
  const store = new SqlitePageStore(join(dataDir, 'midair.sqlite3'), { clock: () => NOON + tick++ });
  // Change i is page P(i mod 10), so no two neighbours are of one page and every change is its own row.
  for (let i = 0; i < CHANGES; i++) {
    const result = await store.put(`P${i % PAGES}`, `text ${i}`, Math.floor(i / PAGES), { summary: `change ${i}`, author: i % 2 ? 'ada' : 'bob' });
    assert.ok(result.ok);
  }
  // One page's run on one day, with a deletion in its middle.
  const gone = { author: 'cy' };
  await store.put('Gone', 'one', 0, { ...gone, summary: 'gone 1' });
  await store.put('Gone', 'two', 1, { ...gone, summary: 'gone 2' });
  await store.delete('Gone', 2, { ...gone, summary: 'gone 3' });
  await store.put('Gone', 'back', 3, { ...gone, summary: 'gone 4' });
  await store.put('Gone', 'again', 4, { ...gone, summary: 'gone 5' });
  await store.close();
  server = await startServer({ dataDir });
  base = server.url;
});
after(async () => {
  await server.stop();
  removeDir(server.dataDir);
});

const get = (path: string, headers: Record<string, string> = {}) => request(`${base}${path}`, { headers });

/** The summaries the page quotes, in order. */
function summaries(page: string): string[] {
  return [...page.matchAll(/<q>([^<]*)<\/q>/g)].map((m) => decodeEntities(m[1]!));
}

function olderLink(page: string): string | undefined {
  const href = /<a rel="next" href="([^"]+)">Older changes/.exec(page)?.[1];
  return href === undefined ? undefined : decodeEntities(href);
}

/** Follows "Older changes" from `path` to the end; every page's summaries, in order. */
async function allPages(path: string): Promise<string[][]> {
  const pages: string[][] = [];
  for (let next: string | undefined = path; next !== undefined && pages.length < 20; ) {
    const res = await get(next);
    assert.equal(res.status, 200, res.text());
    pages.push(summaries(res.text()));
    next = olderLink(res.text());
  }
  return pages;
}

const allSummaries = [...Array.from({ length: CHANGES }, (_, i) => `change ${i}`)];

describe('the front page', () => {
  it('pages back with "Older changes" to the very first change, none skipped or repeated', async () => {
    const pages = await allPages('/?author=ada');
    const shown = pages.flat();
    assert.deepEqual(shown, allSummaries.filter((_, i) => i % 2 === 1).reverse());
    assert.equal(pages.length, 2, '65 changes of ada at 50 a page');
    const everything = (await allPages('/')).flat();
    assert.equal(everything.at(-1), 'change 0', 'the very first change is reachable');
    for (const summary of allSummaries) assert.ok(everything.includes(summary), `${summary} is listed`);
  });

  it('filters by page (each change its own row), and by page and author together', async () => {
    const p3 = summaries((await get('/?page=P3')).text());
    assert.deepEqual(p3, allSummaries.filter((_, i) => i % PAGES === 3).reverse());
    const both = await get('/?page=P3&author=ada');
    assert.deepEqual(summaries(both.text()), p3, 'every change of P3 is by ada (odd numbers)');
    assert.deepEqual(summaries((await get('/?page=P3&author=bob')).text()), []);
    assert.match((await get('/?page=P3&author=bob')).text(), /No changes here/);
  });

  it('shows a deletion inside a run of one page’s changes on one day', async () => {
    const page = (await get('/?page=Gone')).text();
    assert.match(page, /class="what deleted">deleted</);
    assert.deepEqual(summaries(page), ['gone 5', 'gone 4', 'gone 3', 'gone 2', 'gone 1'], "one page's list shows each change");
    const all = (await get('/')).text();
    assert.match(all, /<q>gone 3<\/q>/, 'on the front page too, the deletion is a row of its own');
    assert.deepEqual(summaries(all).slice(0, 3), ['gone 5', 'gone 3', 'gone 2'], 'runs of one page on one day are split at the deletion');
  });

  it('labels a run by everything it did, in order, not by its first change', async () => {
    const all = (await get('/')).text();
    const labels = [...all.matchAll(/<span class="whats">((?:<span class="what [a-z-]+">[^<]*<\/span>|, )*)<\/span>/g)].map((m) => visibleText(m[1]!));
    assert.deepEqual(labels.slice(0, 3), ['re-created, edited', 'deleted', 'created, edited'], labels.slice(0, 5).join(' | '));
    const own = (await get('/?page=Gone')).text();
    const ownLabels = [...own.matchAll(/<span class="what ([a-z-]+)">([^<]*)</g)].map((m) => m[2]);
    assert.deepEqual(ownLabels, ['edited', 're-created', 'deleted', 'edited', 'created'], "one page's list names each change's own action");
  });

  it('a new change shows at once, and the old page is not served from the cache', async () => {
    const first = await get('/');
    const created = await putPage(base, 'Fresh', 'new', { 'if-none-match': '*' });
    assert.equal(created.status, 201);
    const second = await get('/', { 'if-none-match': String(first.headers.etag) });
    assert.equal(second.status, 200);
    assert.match(second.text(), /href="\/wiki\/Fresh"/);
    const again = await get('/', { 'if-none-match': String(second.headers.etag) });
    assert.equal(again.status, 304);
  });

  for (const [query, why] of [
    ['?before=0', 'a cursor below 1'],
    ['?before=abc', 'a cursor that is not a number'],
    ['?page=a%2F', 'a page name ending in "/"'],
    ['?author=', 'an empty author'],
    ['?before=99999999999999999999', 'a cursor past 2^53'],
  ] as const) {
    it(`${why} is a 400 HTML page`, async () => {
      const res = await get(`/${query}`);
      assert.equal(res.status, 400, res.text());
      assert.match(String(res.headers['content-type']), /^text\/html/);
    });
  }
});

describe('GET /api/changes', () => {
  interface Changes {
    changes: { sequence: number; name: string; revision: number; deleted: boolean; summary: string; author: string }[];
    next: number | null;
  }

  it('pages back with `next` to the very first change, with a Link header and its own ETag', async () => {
    const seen: Changes['changes'] = [];
    let path: string | undefined = '/api/changes?limit=40';
    while (path !== undefined) {
      const res = await get(path);
      assert.equal(res.status, 200, res.text());
      const body = res.json<Changes>();
      seen.push(...body.changes);
      if (body.next === null) {
        assert.equal(res.headers.link, undefined);
        path = undefined;
      } else {
        assert.equal(res.headers.link, `</api/changes?before=${body.next}&limit=40>; rel="next"`);
        path = `/api/changes?limit=40&before=${body.next}`;
      }
    }
    const sequences = seen.map((c) => c.sequence);
    assert.deepEqual(sequences, [...sequences].sort((a, b) => b - a), 'newest first');
    assert.equal(new Set(sequences).size, sequences.length, 'no change twice');
    assert.equal(seen.at(-1)!.summary, 'change 0');
    for (const summary of [...allSummaries, 'gone 3']) assert.ok(seen.some((c) => c.summary === summary), `${summary} is listed`);

    const res = await get('/api/changes?limit=5');
    const again = await get('/api/changes?limit=5', { 'if-none-match': String(res.headers.etag) });
    assert.equal(again.status, 304);
  });

  it('filters by page and author', async () => {
    const body = (await get('/api/changes?page=Gone&author=cy')).json<Changes>();
    assert.deepEqual(body.changes.map((c) => [c.revision, c.deleted]), [[5, false], [4, false], [3, true], [2, false], [1, false]]);
    const ada = (await get('/api/changes?author=ada&limit=1000')).json<Changes>();
    assert.equal(ada.changes.length, CHANGES / 2);
    assert.ok(ada.changes.every((c) => c.author === 'ada'));
  });

  for (const query of ['?limit=0', '?before=-1', '?page=%20x', '?author=a%01b']) {
    it(`${query} is a 400 problem`, async () => {
      const res = await get(`/api/changes${query}`);
      assert.equal(res.status, 400, res.text());
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    });
  }
});
