// Range requests (RFC 9110 §14) and content codings (§8.4) of page representations.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createPage, getPage, request } from './support/http.js';
import { type RunningServer, removeDir, startServer } from './support/server.js';

let server: RunningServer;
let base: string;
const source = Array.from({ length: 400 }, (_, i) => `line ${i} of a page that compresses well`).join('\n');
let etag: string;

before(async () => {
  server = await startServer();
  base = server.url;
  etag = await createPage(base, 'Ranged', source);
  await createPage(base, 'Tiny', 'short');
});
after(async () => {
  await server.stop();
  removeDir(server.dataDir);
});

describe('ranges', () => {
  const cases: [string, string, number, string | undefined, string | undefined][] = [
    ['a first-last range', 'bytes=0-3', 206, 'line', 'bytes 0-3/'],
    ['an open-ended range', `bytes=${source.length - 4}-`, 206, source.slice(-4), `bytes ${source.length - 4}-${source.length - 1}/`],
    ['a suffix range', 'bytes=-4', 206, source.slice(-4), `bytes ${source.length - 4}-${source.length - 1}/`],
    ['a range past the end, clipped', `bytes=${source.length - 2}-99999999`, 206, source.slice(-2), undefined],
    ['several ranges (served whole, as §14.2 allows)', 'bytes=0-1,5-6', 200, source, undefined],
    ['a malformed Range (ignored)', 'bytes=abc', 200, source, undefined],
    ['a unit other than bytes (ignored)', 'pages=1-2', 200, source, undefined],
  ];
  for (const [label, range, status, body, contentRange] of cases) {
    test(`${label}: ${status}`, async () => {
      const res = await getPage(base, 'Ranged', { range });
      assert.equal(res.status, status);
      assert.equal(res.text(), body);
      assert.equal(res.headers.etag, etag);
      if (contentRange) assert.equal(res.headers['content-range'], `${contentRange}${source.length}`);
      if (status === 200) assert.equal(res.headers['content-range'], undefined);
    });
  }

  test('a range wholly past the end is 416 with Content-Range: bytes */length', async () => {
    const res = await getPage(base, 'Ranged', { range: `bytes=${source.length + 10}-${source.length + 20}` });
    assert.equal(res.status, 416);
    assert.equal(res.headers['content-range'], `bytes */${source.length}`);
    assert.match(String(res.headers['content-type']), /problem\+json/);
  });

  test('Range on HEAD is ignored (§14.2 defines it for GET only)', async () => {
    const res = await request(`${base}/api/pages/Ranged`, { method: 'HEAD', headers: { range: 'bytes=0-3' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-length'], String(source.length));
  });

  test('a matching If-None-Match wins over Range: 304', async () => {
    assert.equal((await getPage(base, 'Ranged', { range: 'bytes=0-3', 'if-none-match': etag })).status, 304);
  });

  test('If-Range with the current Last-Modified keeps the range once the date is a strong validator', async () => {
    const lastModified = (await getPage(base, 'Ranged')).headers['last-modified']!;
    const res = await getPage(base, 'Ranged', { range: 'bytes=0-3', 'if-range': lastModified });
    assert.equal(res.status, 206);
    assert.equal(res.text(), 'line');
  });

  test('responses advertise Accept-Ranges: bytes', async () => {
    assert.equal((await getPage(base, 'Ranged')).headers['accept-ranges'], 'bytes');
  });
});

describe('content codings', () => {
  test('gzip: the body decodes to the source, Vary: Accept-Encoding, a distinct strong ETag', async () => {
    const res = await getPage(base, 'Ranged', { 'accept-encoding': 'gzip' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.equal(res.headers.vary, 'Accept-Encoding');
    assert.equal(gunzipSync(res.body).toString('utf8'), source);
    assert.ok(res.body.length < source.length / 3, 'actually compressed');
    assert.notEqual(res.headers.etag, etag);
    assert.match(String(res.headers.etag), /^"[^"]+"$/);
  });

  test('br is preferred when the client accepts both equally; q-values are honoured', async () => {
    const both = await getPage(base, 'Ranged', { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(both.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(both.body).toString('utf8'), source);
    const gzipPreferred = await getPage(base, 'Ranged', { 'accept-encoding': 'br;q=0.5, gzip' });
    assert.equal(gzipPreferred.headers['content-encoding'], 'gzip');
    const none = await getPage(base, 'Ranged', { 'accept-encoding': 'gzip;q=0, br;q=0' });
    assert.equal(none.headers['content-encoding'], undefined);
    assert.equal(none.text(), source);
  });

  test('a 304 to a gzip-accepting client carries the gzip variant tag a 200 would have had', async () => {
    const full = await getPage(base, 'Ranged', { 'accept-encoding': 'gzip' });
    const cached = await getPage(base, 'Ranged', { 'accept-encoding': 'gzip', 'if-none-match': full.headers.etag! });
    assert.equal(cached.status, 304);
    assert.equal(cached.headers.etag, full.headers.etag);
  });

  test('HEAD with gzip reports the coded length and coding', async () => {
    const get = await getPage(base, 'Ranged', { 'accept-encoding': 'gzip' });
    const head = await request(`${base}/api/pages/Ranged`, { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(head.headers['content-encoding'], 'gzip');
    assert.equal(head.headers['content-length'], String(get.body.length));
    assert.equal(head.headers.etag, get.headers.etag);
  });

  test('pages under 1 KiB are sent as they are', async () => {
    const res = await getPage(base, 'Tiny', { 'accept-encoding': 'gzip, br' });
    assert.equal(res.headers['content-encoding'], undefined);
    assert.equal(res.text(), 'short');
  });

  test('a Range request is served from the identity bytes, with the identity tag', async () => {
    const res = await getPage(base, 'Ranged', { 'accept-encoding': 'gzip', range: 'bytes=0-3' });
    assert.equal(res.status, 206);
    assert.equal(res.headers['content-encoding'], undefined);
    assert.equal(res.headers.etag, etag);
  });

  test('JSON lists are compressed too, keeping their validators', async () => {
    const res = await request(`${base}/api/openapi.json`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.headers['content-encoding'], 'gzip');
    const doc = JSON.parse(gunzipSync(res.body).toString('utf8')) as { openapi: string };
    assert.equal(doc.openapi, '3.1.0');
    assert.equal((await request(`${base}/api/openapi.json`, { headers: { 'accept-encoding': 'gzip', 'if-none-match': res.headers.etag! } })).status, 304);
  });
});
