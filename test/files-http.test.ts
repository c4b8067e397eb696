// /api/files over HTTP against a real server process, on SQLite and on PostgreSQL: conditional
// uploads (201/200/412/428), limits (413 by Content-Length and while streaming), the declared
// type checked (415), ranges (206/416, If-Range), 304, how files are served (inline or
// attachment, nosniff), quota, look-alike names, deletion and versions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { postgresTestOptions } from './support/cluster.js';
import { closeSchemas, createFile, etagOf, fileUrl, hostilePng, putChunked, putFile, STORES, startFileServer } from './support/files.js';
import { request } from './support/http.js';
import { connectRaw, rawRequest } from './support/raw-http.js';
import { removeDir, type RunningServer } from './support/server.js';

const LIMIT = 1024 * 1024;
const CHUNK = 256 * 1024;

function binary(size: number, seed = 7): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed + (i >> 8)) & 0xff;
  return bytes;
}

after(closeSchemas);

for (const store of STORES) {
  describe(`files over HTTP: ${store.name}`, store.name === 'PostgreSQL' ? postgresTestOptions() : {}, () => {
    let server: RunningServer;
    let quotaServer: RunningServer;
    let base: string;
    before(async () => {
      [server, quotaServer] = await Promise.all([startFileServer(store, ['--file-limit', '1MiB']), startFileServer(store, ['--file-quota', '3000'])]);
      base = server.url;
    });
    after(async () => {
      for (const s of [server, quotaServer]) {
        await s?.stop();
        if (s) removeDir(s.dataDir);
      }
    });

    it('If-None-Match: * creates (201, Location, ETag = SHA-256 of the bytes); GET returns the bytes and their metadata', async () => {
      const bytes = binary(CHUNK * 2 + 5);
      const created = await putFile(base, 'blob.bin', bytes, { 'if-none-match': '*' });
      assert.equal(created.status, 201, created.text());
      assert.equal(created.headers.etag, etagOf(bytes));
      assert.equal(created.headers.location, '/api/files/blob.bin');
      assert.equal(created.json()['size'], bytes.length);
      const read = await request(fileUrl(base, 'blob.bin'));
      assert.equal(read.status, 200);
      assert.ok(read.body.equals(bytes));
      assert.equal(read.headers['content-type'], 'application/octet-stream');
      assert.equal(read.headers['content-length'], String(bytes.length));
      assert.equal(read.headers.etag, etagOf(bytes));
      assert.ok(read.headers['last-modified']);
      assert.equal(read.headers['x-content-type-options'], 'nosniff');
      const head = await request(fileUrl(base, 'blob.bin'), { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers['content-length'], String(bytes.length));
      assert.equal(head.body.length, 0);
    });

    it('create over an existing file is 412; If-Match replaces (200); a stale If-Match is 412 with the current tag', async () => {
      const first = await createFile(base, 'cas.txt', 'one', 'text/plain');
      const again = await putFile(base, 'cas.txt', 'two', { 'content-type': 'text/plain', 'if-none-match': '*' });
      assert.equal(again.status, 412);
      const replaced = await putFile(base, 'cas.txt', 'two', { 'content-type': 'text/plain', 'if-match': first });
      assert.equal(replaced.status, 200);
      assert.equal(replaced.headers.etag, etagOf('two'));
      const stale = await putFile(base, 'cas.txt', 'three', { 'content-type': 'text/plain', 'if-match': first });
      assert.equal(stale.status, 412);
      assert.equal(stale.json()['currentEtag'], etagOf('two'));
      assert.equal((await request(fileUrl(base, 'cas.txt'))).text(), 'two');
    });

    it('a write without a precondition is 428, for PUT and DELETE, and changes nothing', async () => {
      const put = await putFile(base, 'nocond.bin', 'x');
      assert.equal(put.status, 428);
      assert.equal(put.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal((await request(fileUrl(base, 'nocond.bin'))).status, 404);
      await createFile(base, 'nocond2.bin', 'x');
      assert.equal((await request(fileUrl(base, 'nocond2.bin'), { method: 'DELETE' })).status, 428);
      assert.equal((await request(fileUrl(base, 'nocond2.bin'))).status, 200);
    });

    it('a stale precondition is answered before the body is read: no 100 Continue', async () => {
      await createFile(base, 'expect.bin', 'x');
      const connection = await connectRaw(base);
      try {
        connection.send(rawRequest('PUT', '/api/files/expect.bin', [['Content-Type', 'application/octet-stream'], ['If-None-Match', '*'], ['Expect', '100-continue'], ['Content-Length', String(LIMIT)]]));
        const answer = await connection.next();
        assert.equal(answer.status, 412, 'the final answer comes first, not 100 Continue');
      } finally {
        connection.close();
      }
    });

    it('413 by Content-Length before reading, and 413 while streaming a chunked body past the limit; nothing stored', async () => {
      const declared = await putFile(base, 'big.bin', binary(LIMIT + 1), { 'if-none-match': '*' });
      assert.equal(declared.status, 413);
      assert.equal(declared.json()['code'], 'file-too-large');
      const streamed = await putChunked(fileUrl(base, 'big2.bin'), { 'content-type': 'application/octet-stream', 'if-none-match': '*' }, binary(64 * 1024), 20);
      assert.equal(streamed.status, 413, streamed.body);
      assert.equal(JSON.parse(streamed.body).code, 'file-too-large');
      for (const name of ['big.bin', 'big2.bin']) assert.equal((await request(fileUrl(base, name))).status, 404);
      const list = (await request(`${base}/api/files?limit=1000`)).json<{ files: { name: string }[] }>();
      assert.ok(!list.files.some((f) => f.name.startsWith('big')));
    });

    it('a body that is not what its Content-Type says is 415 naming both types; a missing type is 415', async () => {
      const png = await sharp({ create: { width: 4, height: 3, channels: 3, background: '#336699' } }).png().toBuffer();
      const asJpeg = await putFile(base, 'wrong.jpg', png, { 'content-type': 'image/jpeg', 'if-none-match': '*' });
      assert.equal(asJpeg.status, 415);
      assert.deepEqual([asJpeg.json()['code'], asJpeg.json()['declared'], asJpeg.json()['detected']], ['file-type-mismatch', 'image/jpeg', 'image/png']);
      const textAsPng = await putFile(base, 'text.png', 'just words', { 'content-type': 'image/png', 'if-none-match': '*' });
      assert.equal(textAsPng.status, 415);
      const badText = await putFile(base, 'bad.txt', Buffer.from([0x68, 0xff, 0xfe, 0x69]), { 'content-type': 'text/plain', 'if-none-match': '*' });
      assert.equal(badText.status, 415);
      const zipAsText = await putFile(base, 'zip.txt', Buffer.concat([Buffer.from('PK\x03\x04'), binary(200)]), { 'content-type': 'text/plain', 'if-none-match': '*' });
      assert.equal(zipAsText.status, 415);
      const untyped = await request(fileUrl(base, 'untyped'), { method: 'PUT', headers: { 'if-none-match': '*' }, body: 'x' });
      assert.equal(untyped.status, 415);
      for (const name of ['wrong.jpg', 'text.png', 'bad.txt', 'zip.txt', 'untyped']) assert.equal((await request(fileUrl(base, name))).status, 404);
      // The right type is accepted, with the image's size from its header.
      const ok = await putFile(base, 'right.png', png, { 'content-type': 'image/png', 'if-none-match': '*' });
      assert.equal(ok.status, 201);
      assert.deepEqual([ok.json()['width'], ok.json()['height']], [4, 3]);
    });

    it('Range gives 206 with exactly those bytes, across chunks; 416 outside; If-Range decides between 206 and 200', async () => {
      const bytes = binary(CHUNK * 3 + 17, 3);
      const etag = await createFile(base, 'ranged.bin', bytes);
      const part = await request(fileUrl(base, 'ranged.bin'), { headers: { range: `bytes=${CHUNK - 10}-${2 * CHUNK + 9}` } });
      assert.equal(part.status, 206);
      assert.equal(part.headers['content-range'], `bytes ${CHUNK - 10}-${2 * CHUNK + 9}/${bytes.length}`);
      assert.ok(part.body.equals(bytes.subarray(CHUNK - 10, 2 * CHUNK + 10)));
      const suffix = await request(fileUrl(base, 'ranged.bin'), { headers: { range: 'bytes=-5' } });
      assert.ok(suffix.body.equals(bytes.subarray(bytes.length - 5)));
      const outside = await request(fileUrl(base, 'ranged.bin'), { headers: { range: `bytes=${bytes.length}-` } });
      assert.equal(outside.status, 416);
      assert.equal(outside.headers['content-range'], `bytes */${bytes.length}`);
      const current = await request(fileUrl(base, 'ranged.bin'), { headers: { range: 'bytes=0-9', 'if-range': etag } });
      assert.equal(current.status, 206);
      const stale = await request(fileUrl(base, 'ranged.bin'), { headers: { range: 'bytes=0-9', 'if-range': '"not-the-tag"' } });
      assert.equal(stale.status, 200);
      assert.ok(stale.body.equals(bytes));
    });

    it('a conditional GET of an unchanged file is 304 with its ETag, for GET and HEAD; a changed one is 200', async () => {
      const etag = await createFile(base, 'cached.bin', 'cache me');
      for (const method of ['GET', 'HEAD']) {
        const res = await request(fileUrl(base, 'cached.bin'), { method, headers: { 'if-none-match': etag } });
        assert.equal(res.status, 304, method);
        assert.equal(res.headers.etag, etag);
        assert.equal(res.body.length, 0);
      }
      await putFile(base, 'cached.bin', 'changed', { 'if-match': etag });
      assert.equal((await request(fileUrl(base, 'cached.bin'), { headers: { 'if-none-match': etag } })).status, 200);
    });

    it('images, PDF, plain text, audio and video are inline; SVG, HTML and the rest are attachments with a safe filename*', async () => {
      const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } }).png().toBuffer();
      const cases: [string, Buffer | string, string, string][] = [
        ['pic.png', png, 'image/png', 'inline'],
        ['notes.txt', 'plain', 'text/plain', 'inline'],
        ['doc.pdf', '%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n', 'application/pdf', 'inline'],
        ['drawing.svg', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'image/svg+xml', 'attachment'],
        ['page.html', '<script>alert(1)</script>', 'text/html', 'attachment'],
        ['Ünïcode "name".bin', 'x', 'application/octet-stream', 'attachment'],
      ];
      for (const [name, body, type, disposition] of cases) {
        const created = await putFile(base, name, body, { 'content-type': type, 'if-none-match': '*' });
        assert.equal(created.status, 201, `${name}: ${created.text()}`);
        const read = await request(fileUrl(base, name));
        assert.equal(read.headers['x-content-type-options'], 'nosniff', name);
        assert.ok(String(read.headers['content-disposition']).startsWith(`${disposition};`), `${name}: ${read.headers['content-disposition']}`);
        assert.ok(String(read.headers['content-disposition']).includes(`filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`), name);
        assert.ok(String(read.headers['content-security-policy']).includes('sandbox'), name);
      }
      // No script of an SVG ever runs as a document: it is downloaded, never shown in place.
      assert.equal((await request(fileUrl(base, 'drawing.svg'))).headers['content-type'], 'image/svg+xml; charset=utf-8');
    });

    it('a look-alike of an existing file name is 409 naming it; bad names are 400', async () => {
      await createFile(base, 'Logo.PNG.bin', 'a');
      const lookalike = await putFile(base, 'logo.png.BIN', 'b', { 'if-none-match': '*' });
      assert.equal(lookalike.status, 409);
      assert.deepEqual([lookalike.json()['code'], lookalike.json()['existing']], ['file-name-lookalike', 'Logo.PNG.bin']);
      const bad = await putFile(base, 'a\u200bb', 'x', { 'if-none-match': '*' });
      assert.equal(bad.status, 400);
      assert.equal(bad.json()['code'], 'bad-file-name');
    });

    it('DELETE keeps every version: 204, then 404; the versions list and each version\'s bytes stay', async () => {
      const one = await createFile(base, 'kept.txt', 'version one', 'text/plain');
      const two = (await putFile(base, 'kept.txt', 'version two', { 'content-type': 'text/plain', 'if-match': one, 'edit-summary': 'second' })).headers.etag as string;
      assert.equal((await request(fileUrl(base, 'kept.txt'), { method: 'DELETE', headers: { 'if-match': one } })).status, 412);
      assert.equal((await request(fileUrl(base, 'kept.txt'), { method: 'DELETE', headers: { 'if-match': two } })).status, 204);
      assert.equal((await request(fileUrl(base, 'kept.txt'))).status, 404);
      assert.equal((await request(fileUrl(base, 'kept.txt'), { method: 'DELETE', headers: { 'if-match': '*' } })).status, 404);
      const versions = (await request(`${fileUrl(base, 'kept.txt')}/versions`)).json<{ versions: { version: number; deleted: boolean; summary: string; etag: string | null }[] }>();
      assert.deepEqual(versions.versions.map((v) => [v.version, v.deleted, v.summary, v.etag]), [[3, true, '', null], [2, false, 'second', two], [1, false, '', one]]);
      const first = await request(`${fileUrl(base, 'kept.txt')}/versions/1`);
      assert.equal(first.status, 200);
      assert.equal(first.text(), 'version one');
      assert.equal(first.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal((await request(`${fileUrl(base, 'kept.txt')}/versions/3`)).status, 404);
      assert.equal((await request(`${fileUrl(base, 'kept.txt')}/versions/99`)).json()['code'], 'file-version-not-found');
      // Re-created under If-None-Match: * (the name exists in history, not now).
      assert.equal((await putFile(base, 'kept.txt', 'back', { 'content-type': 'text/plain', 'if-none-match': '*' })).status, 201);
    });

    it('the list is in name order, a page at a time, with a cursor', async () => {
      for (const name of ['list-c', 'list-a', 'list-b']) await createFile(quotaServer.url, name, name);
      const first = (await request(`${quotaServer.url}/api/files?limit=2`)).json<{ files: { name: string }[]; next: string }>();
      assert.deepEqual(first.files.map((f) => f.name), ['list-a', 'list-b']);
      const rest = (await request(`${quotaServer.url}/api/files?limit=2&cursor=${first.next}`)).json<{ files: { name: string }[]; next: null }>();
      assert.deepEqual([rest.files.map((f) => f.name), rest.next], [['list-c'], null]);
    });

    it('a quota refuses the upload that would pass it (413, by Content-Length or while streaming), history included', async () => {
      const q = quotaServer.url;
      // The list case above spent 18 bytes of the 3000.
      const etag = await createFile(q, 'q1', binary(1500));
      await putFile(q, 'q1', binary(1000, 9), { 'if-match': etag });
      const over = await putFile(q, 'q2', binary(600), { 'if-none-match': '*' });
      assert.equal(over.status, 413);
      assert.equal(over.json()['code'], 'file-quota-exceeded');
      const streamed = await putChunked(fileUrl(q, 'q3'), { 'content-type': 'application/octet-stream', 'if-none-match': '*' }, binary(200), 4);
      assert.equal(streamed.status, 413);
      assert.equal((await request(fileUrl(q, 'q2'))).status, 404);
      assert.equal((await putFile(q, 'q4', binary(400), { 'if-none-match': '*' })).status, 201);
    });

    it('a 50,000 × 50,000 PNG is refused (422) and never decoded; probes keep answering meanwhile; a smaller bomb is stored, not decoded', async () => {
      const huge = await hostilePng(50_000, 50_000);
      const probes: number[] = [];
      let uploading = true;
      const probing = (async () => {
        while (uploading) probes.push((await request(`${base}/healthz`)).status);
      })();
      const refused = await putFile(base, 'huge.png', huge, { 'content-type': 'image/png', 'if-none-match': '*' });
      // 8,000 × 8,000 of deflated zeros: 64 MB if decoded, 64 KiB as sent.
      const bomb = await putFile(base, 'bomb.png', await hostilePng(8000, 8000, 64 * 1024 * 1024), { 'content-type': 'image/png', 'if-none-match': '*' });
      uploading = false;
      await probing;
      assert.equal(refused.status, 422);
      assert.equal(refused.json()['code'], 'image-too-large');
      assert.equal(bomb.status, 201, bomb.text());
      assert.deepEqual([bomb.json()['width'], bomb.json()['height']], [8000, 8000]);
      assert.ok(probes.length >= 1 && probes.every((status) => status === 200), `probes answered: ${probes.join(',')}`);
      assert.equal((await request(fileUrl(base, 'huge.png'))).status, 404);
    });
  });
}
