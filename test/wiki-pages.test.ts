// The wiki's HTML pages over real HTTP against a real server process: validators and
// caching, rendering, history, diffs, revisions, search, static files.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeEntities, visibleText } from './e2e/html.js';
import { createPage, putPage, request } from './support/http.js';
import { type RunningServer, removeDir, startServer } from './support/server.js';

let server: RunningServer;
let base: string;

before(async () => {
  server = await startServer();
  base = server.url;
  await createPage(base, 'Home', '# Welcome\n\nSee [[Guide]] and [[Nowhere|the missing page]].\n');
  await createPage(base, 'Guide', 'Start here.\n');
});
after(async () => {
  await server.stop();
  removeDir(server.dataDir);
});

const get = (path: string, headers: Record<string, string> = {}) => request(`${base}${path}`, { headers });

describe('validators: every HTML page can be revalidated', () => {
  for (const path of ['/', '/wiki', '/wiki/Home', '/wiki/Home/edit', '/wiki/Home/history', '/wiki/Home/revisions/1', '/wiki/Guide/diff?from=1&to=1', '/search?q=x']) {
    it(`${path}: strong ETag, no-cache, CSP; 304 on If-None-Match; HEAD agrees`, async () => {
      const res = await get(path);
      assert.equal(res.status, 200, res.text());
      assert.match(String(res.headers['content-type']), /^text\/html; charset=utf-8/);
      assert.match(String(res.headers.etag), /^"[^"]+"$/);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
      const again = await get(path, { 'if-none-match': String(res.headers.etag) });
      assert.equal(again.status, 304);
      assert.equal(again.body.length, 0);
      const head = await request(`${base}${path}`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers.etag, res.headers.etag);
      assert.equal(Number(head.headers['content-length']), res.body.length);
    });
  }

  it('the page view gets a new ETag when the page changes, and when a page it links to is created', async () => {
    const first = await get('/wiki/Home');
    await createPage(base, 'Nowhere', 'Now it exists.\n');
    const linked = await get('/wiki/Home', { 'if-none-match': String(first.headers.etag) });
    assert.equal(linked.status, 200, 'a link changed from missing to existing');
    assert.notEqual(linked.headers.etag, first.headers.etag);
    assert.match(linked.text(), /<a class="wikilink" href="\/wiki\/Nowhere">the missing page<\/a>/);
    const etag = (await get('/api/pages/Guide')).headers.etag as string;
    await putPage(base, 'Guide', 'Start here, really.\n', { 'if-match': etag });
    const guide = await get('/wiki/Guide');
    assert.match(guide.text(), /Start here, really\./);
  });

  it('a gzip-accepting browser gets a coded variant with its own tag, which still revalidates', async () => {
    await createPage(base, 'Long', `${'A long paragraph of text. '.repeat(200)}\n`);
    const res = await get('/wiki/Long', { 'accept-encoding': 'gzip' });
    assert.equal(res.headers['content-encoding'], 'gzip');
    const again = await get('/wiki/Long', { 'accept-encoding': 'gzip', 'if-none-match': String(res.headers.etag) });
    assert.equal(again.status, 304);
  });
});

describe('page view', () => {
  it('renders Markdown with wiki links: existing pages linked, missing ones dashed and to the editor', async () => {
    await createPage(base, 'Links', '[[Guide]] and [[Absent Page|absent]]\n');
    const html = (await get('/wiki/Links')).text();
    assert.match(html, /<a class="wikilink" href="\/wiki\/Guide">Guide<\/a>/);
    assert.match(html, /<a class="wikilink missing" href="\/wiki\/Absent%20Page\/edit"[^>]*>absent<\/a>/);
    assert.match(html, /Revision 1/);
  });

  it('hostile Markdown is escaped, and no page has an inline script or handler', async () => {
    await createPage(base, 'Hostile', '<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[x](javascript:alert(3))\n');
    const html = (await get('/wiki/Hostile')).text();
    assert.doesNotMatch(html, /<script>alert/);
    assert.doesNotMatch(html, /<img src=x/);
    assert.doesNotMatch(html, /href="javascript:/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    for (const script of html.match(/<script\b[^>]*>/g) ?? []) assert.match(script, /src="\/static\//);
    assert.doesNotMatch(html, /<[^>]+\son[a-z]+=/i);
  });

  it('a missing page is a 404 page that offers to create it', async () => {
    const res = await get('/wiki/Never%20Written');
    assert.equal(res.status, 404);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.equal(res.headers.etag, undefined, 'an error is not a representation to revalidate');
    assert.match(res.text(), /href="\/wiki\/Never%20Written\/edit"[^>]*>Create this page/);
  });

  it('a deleted page says who deleted it and offers to re-create it', async () => {
    const etag = await createPage(base, 'Doomed', 'x\n');
    await request(`${base}/api/pages/Doomed`, { method: 'DELETE', headers: { 'if-match': etag, 'edit-summary': 'obsolete' } });
    const res = await get('/wiki/Doomed');
    assert.equal(res.status, 404);
    assert.match(visibleText(res.text()), /This page was deleted .* by anonymous — obsolete/);
    assert.match(res.text(), /Re-create this page/);
  });

  it('a bad page name is a 400 page, not a crash', async () => {
    const res = await get('/wiki/a%01b');
    assert.equal(res.status, 400);
    assert.match(String(res.headers['content-type']), /^text\/html/);
  });
});

describe('history, revisions and diffs', () => {
  before(async () => {
    const e1 = await createPage(base, 'Story', 'one\ntwo\nthree\n');
    const r2 = await putPage(base, 'Story', 'one\n2\nthree\nfour\n', { 'if-match': e1, 'edit-summary': 'numbers%20%26%20more' });
    assert.equal(r2.status, 200);
  });

  it('history lists who, when, summary and size of each revision, newest first', async () => {
    const html = (await get('/wiki/Story/history')).text();
    const rows = html.match(/<tr(?: class="deleted")?>\s*<td><input type="radio" name="from"[\s\S]*?<\/tr>/g) ?? [];
    assert.equal(rows.length, 2);
    assert.match(visibleText(rows[0]!), /^2 .* UTC anonymous numbers & more 17 bytes \+3/);
    assert.match(visibleText(rows[1]!), /^1 .* UTC anonymous 14 bytes \+14/);
    assert.match(html, /href="\/wiki\/Story\/diff\?from=1&amp;to=2"/);
  });

  it('the diff shows removed and added lines and the changed words', async () => {
    const res = await get('/wiki/Story/diff?from=1&to=2');
    const html = res.text();
    assert.match(html, /<tr class="removed"><td class="ln">2<\/td><td class="ln"><\/td><td class="code"><span class="visually-hidden">Removed: <\/span>/);
    assert.match(html, /<tr class="added"><td class="ln"><\/td><td class="ln">4<\/td><td class="code"><span class="visually-hidden">Added: <\/span>four<\/td><\/tr>/);
    assert.match(html, /<span class="plus">\+2<\/span> <span class="minus">−1<\/span>/);
    const word = await get('/wiki/Guide/diff?from=1&to=2');
    assert.match(word.text(), /<del>,<\/del>|<ins>, really<\/ins>/);
  });

  it('diff parameters in either order, and defaults to the latest change', async () => {
    const swapped = await get('/wiki/Story/diff?from=2&to=1');
    const latest = await get('/wiki/Story/diff');
    assert.equal(swapped.status, 200);
    assert.equal(swapped.headers.etag, latest.headers.etag);
    const missing = await get('/wiki/Story/diff?from=1&to=9');
    assert.equal(missing.status, 404);
  });

  it('an old revision renders with a note and links to compare and restore it', async () => {
    const html = (await get('/wiki/Story/revisions/1')).text();
    assert.match(html, /This is an old revision/);
    assert.match(html, /<p>one\ntwo\nthree<\/p>/);
    assert.match(html, /href="\/wiki\/Story\/edit\?from=1"/);
    const editor = (await get('/wiki/Story/edit?from=1')).text();
    assert.match(editor, /<textarea id="content" name="content"[^>]*>\none\ntwo\nthree\n<\/textarea>/);
    assert.match(editor, /value="Restored revision 1"/);
  });
});

describe('site pages', () => {
  it('home lists recent changes, newest first, a page’s consecutive changes as one, with diff links', async () => {
    const html = (await get('/')).text();
    const names = [...html.matchAll(/<a class="title" href="\/wiki\/([^"]+)">/g)].map((m) => decodeURIComponent(m[1]!));
    assert.ok(names.length >= 5);
    assert.ok(names.indexOf('Story') < names.indexOf('Home'), `${names.join(', ')}`);
    assert.equal(names.filter((n) => n === 'Story').length, 1);
    assert.match(visibleText(html), /Story created, edited .* by anonymous \(2 changes\) numbers & more diff · history/);
    assert.match(html, /href="\/wiki\/Story\/diff\?from=1&amp;to=2">diff</);
  });

  it('the page list, and its "open a page" form that redirects', async () => {
    const html = (await get('/wiki')).text();
    assert.match(html, /<a href="\/wiki\/Guide">Guide<\/a>/);
    const go = await get('/wiki?name=%20New%20Idea%20');
    assert.equal(go.status, 303);
    assert.equal(go.headers.location, '/wiki/New%20Idea');
  });

  it('search finds current pages through the store’s full-text index, matches marked', async () => {
    const html = (await get('/search?q=welcome')).text();
    assert.match(html, /<a class="title" href="\/wiki\/Home">Home<\/a>/);
    assert.match(html, /<mark>Welcome<\/mark>/);
    assert.match(decodeEntities((await get('/search?q=zzzunfindable')).text()), /No page contains/);
  });
});

describe('static files', () => {
  it('are fingerprinted, immutable for a year, and revalidate', async () => {
    const html = (await get('/wiki/Home')).text();
    const css = /href="(\/static\/wiki\.[A-Za-z0-9]+\.css)"/.exec(html)?.[1];
    const js = /src="(\/static\/time\.[A-Za-z0-9]+\.js)"/.exec(html)?.[1];
    assert.ok(css && js);
    for (const path of [css, js]) {
      const res = await get(path);
      assert.equal(res.status, 200);
      assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal((await get(path, { 'if-none-match': String(res.headers.etag) })).status, 304);
    }
    assert.match(String((await get(css)).headers['content-type']), /^text\/css/);
    assert.equal((await get('/static/wiki.css')).status, 404, 'only fingerprinted names are served');
  });

  it('a method the page does not allow gets 405 with Allow', async () => {
    const res = await request(`${base}/wiki/Home`, { method: 'DELETE' });
    assert.equal(res.status, 405);
    assert.match(String(res.headers.allow), /GET, HEAD, POST/);
  });
});
