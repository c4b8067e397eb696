// The page API contract over real HTTP against a real server process.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createPage, getPage, putPage, request } from './support/http.js';
import { type RunningServer, removeDir, startServer } from './support/server.js';

let server: RunningServer;
let base: string;
let counter = 0;
const fresh = (label: string) => `${label} ${++counter}`;

before(async () => {
  server = await startServer({ args: ['--body-limit', '64KiB'] });
  base = server.url;
});
after(async () => {
  assert.equal(await server.stop(), 0, 'SIGTERM ends the server cleanly');
  removeDir(server.dataDir);
});

function assertProblem(res: { status: number; headers: Record<string, unknown>; json: () => Record<string, unknown> }, status: number, code: string) {
  assert.equal(res.status, status);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json();
  assert.equal(body['status'], status);
  assert.equal(body['code'], code);
  assert.equal(body['type'], `urn:midair:problem:${code}`);
  assert.equal(typeof body['title'], 'string');
  assert.equal(typeof body['detail'], 'string');
  return body;
}

describe('reading a page', () => {
  test('GET answers 200 with the source, a strong ETag, Last-Modified and Cache-Control: no-cache', async () => {
    const name = fresh('Read');
    const etag = await createPage(base, name, '# Hello\n\nWorld');
    const res = await getPage(base, name);
    assert.equal(res.status, 200);
    assert.equal(res.text(), '# Hello\n\nWorld');
    assert.equal(res.headers['content-type'], 'text/markdown; charset=utf-8');
    assert.equal(res.headers.etag, etag);
    assert.match(etag, /^"[^"]+"$/, 'strong and quoted');
    assert.match(String(res.headers['last-modified']), /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    assert.equal(res.headers['cache-control'], 'no-cache');
  });

  test('HEAD answers the same headers as GET and no body', async () => {
    const name = fresh('Head');
    await createPage(base, name, 'some text');
    const get = await getPage(base, name);
    const head = await request(`${base}/api/pages/${encodeURIComponent(name)}`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(head.headers['content-length'], String(get.body.length));
    for (const field of ['etag', 'last-modified', 'cache-control', 'content-type', 'vary']) {
      assert.equal(head.headers[field], get.headers[field], field);
    }
  });

  test('a conditional GET of an unchanged page is 304 with the ETag, Cache-Control and Vary a 200 would carry, no other representation metadata, and no body (RFC 9110 §15.4.5)', async () => {
    const name = fresh('Cond');
    const etag = await createPage(base, name, 'x'.repeat(5000));
    const full = await getPage(base, name);
    for (const method of ['GET', 'HEAD']) {
      const res = await request(`${base}/api/pages/${encodeURIComponent(name)}`, { method, headers: { 'if-none-match': etag } });
      assert.equal(res.status, 304, method);
      assert.equal(res.body.length, 0);
      assert.equal(res.headers.etag, etag);
      assert.equal(res.headers['cache-control'], full.headers['cache-control']);
      assert.equal(res.headers.vary, full.headers.vary);
      // Last-Modified would only help a cache whose response has no ETag; the stored one stands.
      assert.ok(full.headers['last-modified']);
      assert.equal(res.headers['last-modified'], undefined);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.equal(res.headers.vary, 'Accept-Encoding');
      assert.equal(res.headers['content-type'], undefined);
    }
  });

  test('a missing page is 404 problem+json', async () => {
    assertProblem(await getPage(base, fresh('Missing')), 404, 'page-not-found');
  });

  test('the ETag is stable across a restart of the server', async () => {
    const name = fresh('Stable');
    const etag = await createPage(base, name, 'stable content');
    assert.equal(await server.stop(), 0);
    server = await startServer({ dataDir: server.dataDir, args: ['--body-limit', '64KiB'] });
    base = server.url;
    const res = await getPage(base, name);
    assert.equal(res.status, 200);
    assert.equal(res.headers.etag, etag);
    assert.equal((await getPage(base, name, { 'if-none-match': etag })).status, 304);
  });
});

describe('writing a page', () => {
  test('a PUT without a precondition is 428 and says which headers satisfy it; nothing is created', async () => {
    const name = fresh('NoPrecondition');
    const res = await putPage(base, name, 'text');
    const body = assertProblem(res, 428, 'precondition-required');
    assert.match(String(body['detail']), /If-Match/);
    assert.match(String(body['detail']), /If-None-Match: \*/);
    assert.deepEqual(body['acceptedHeaders'], ['If-Match', 'If-None-Match', 'If-Unmodified-Since']);
    assert.equal((await getPage(base, name)).status, 404);
  });

  test('If-Modified-Since is not a write precondition: 428', async () => {
    const res = await putPage(base, fresh('IMS'), 'text', { 'if-modified-since': new Date().toUTCString() });
    assertProblem(res, 428, 'precondition-required');
  });

  test('an If-Unmodified-Since that is not an HTTP-date is ignored, leaving the write unconditional: 428', async () => {
    const name = fresh('BadIUS');
    await createPage(base, name, 'v1');
    assertProblem(await putPage(base, name, 'v2', { 'if-unmodified-since': '2026-01-01T00:00:00Z' }), 428, 'precondition-required');
    assert.equal((await getPage(base, name)).text(), 'v1');
  });

  test('If-None-Match: * creates (201, Location, ETag) and refuses when the page exists (412)', async () => {
    const name = fresh('Création é');
    const created = await putPage(base, name, 'first', { 'if-none-match': '*' });
    assert.equal(created.status, 201);
    assert.equal(created.headers.location, `/api/pages/${encodeURIComponent(name)}`);
    assert.match(String(created.headers.etag), /^"[^"]+"$/);
    const body = created.json();
    assert.equal(body['revision'], 1);
    assert.equal(body['etag'], created.headers.etag);
    const again = await putPage(base, name, 'second', { 'if-none-match': '*' });
    const problem = assertProblem(again, 412, 'precondition-failed');
    assert.equal(problem['currentEtag'], created.headers.etag);
    assert.match(String(problem['detail']), /already exists/, 'a create refused says the page exists, not that it changed');
    assert.doesNotMatch(String(problem['detail']), /has changed/);
    assert.equal(again.headers.etag, created.headers.etag);
    assert.equal((await getPage(base, name)).text(), 'first');
  });

  test('If-Match with the current ETag replaces (200, new ETag); the old ETag then gets 412 with the current one', async () => {
    const name = fresh('Replace');
    const v1 = await createPage(base, name, 'one');
    const replaced = await putPage(base, name, 'two', { 'if-match': v1 });
    assert.equal(replaced.status, 200);
    const v2 = replaced.headers.etag!;
    assert.notEqual(v2, v1);
    assert.equal(replaced.json()['revision'], 2);
    const stale = await putPage(base, name, 'three', { 'if-match': v1 });
    const problem = assertProblem(stale, 412, 'precondition-failed');
    assert.equal(problem['currentEtag'], v2);
    assert.equal(stale.headers.etag, v2);
    const now = await getPage(base, name);
    assert.equal(now.text(), 'two');
    assert.equal(now.headers.etag, v2);
  });

  test('If-Match: * updates an existing page and is 412 (with currentEtag null) on a missing one', async () => {
    const name = fresh('Star');
    const missing = await putPage(base, name, 'x', { 'if-match': '*' });
    const problem = assertProblem(missing, 412, 'precondition-failed');
    assert.equal(problem['currentEtag'], null);
    assert.equal(missing.headers.etag, undefined);
    assert.equal((await getPage(base, name)).status, 404);
    await createPage(base, name, 'x');
    assert.equal((await putPage(base, name, 'y', { 'if-match': '*' })).status, 200);
  });

  test('a revision with new content gets a new ETag, even within the same second', async () => {
    const name = fresh('Burst');
    let etag = await createPage(base, name, 'v0');
    const seen = new Set([etag]);
    for (let i = 1; i <= 5; i++) {
      const res = await putPage(base, name, `v${i}`, { 'if-match': etag });
      assert.equal(res.status, 200);
      etag = res.headers.etag!;
      assert.ok(!seen.has(etag), 'ETag is new');
      seen.add(etag);
    }
  });

  test('If-Unmodified-Since passes for an old enough date and fails for a date before the last change', async () => {
    const name = fresh('IUS');
    await createPage(base, name, 'v1');
    const future = new Date(Date.now() + 3600_000).toUTCString();
    assert.equal((await putPage(base, name, 'v2', { 'if-unmodified-since': future })).status, 200);
    const past = new Date(Date.now() - 3600_000).toUTCString();
    assertProblem(await putPage(base, name, 'v3', { 'if-unmodified-since': past }), 412, 'precondition-failed');
    assert.equal((await getPage(base, name)).text(), 'v2');
  });

  test('Edit-Summary is recorded (percent-encoded UTF-8), and a malformed one is 400 with nothing saved', async () => {
    const name = fresh('Summary');
    const etag = await createPage(base, name, 'a');
    const res = await putPage(base, name, 'b', { 'if-match': etag, 'edit-summary': encodeURIComponent('Fixed a typo — merci') });
    assert.equal(res.status, 200);
    const history = await request(`${base}/api/pages/${encodeURIComponent(name)}/revisions`);
    const revisions = history.json<{ revisions: { summary: string }[] }>().revisions;
    assert.equal(revisions[0]!.summary, 'Fixed a typo — merci');
    const bad = await putPage(base, name, 'c', { 'if-match': res.headers.etag!, 'edit-summary': '%E0%A4%A' });
    assertProblem(bad, 400, 'bad-edit-summary');
    assert.equal((await getPage(base, name)).text(), 'b');
  });
});

describe('deleting a page', () => {
  test('DELETE needs a precondition (428), succeeds with If-Match (204), keeps history, and If-None-Match: * re-creates', async () => {
    const name = fresh('Delete');
    const etag = await createPage(base, name, 'doomed');
    const url = `${base}/api/pages/${encodeURIComponent(name)}`;
    assertProblem(await request(url, { method: 'DELETE' }), 428, 'precondition-required');
    assertProblem(await request(url, { method: 'DELETE', headers: { 'if-match': '"stale"' } }), 412, 'precondition-failed');
    const deleted = await request(url, { method: 'DELETE', headers: { 'if-match': etag } });
    assert.equal(deleted.status, 204);
    assert.equal((await getPage(base, name)).status, 404);
    assertProblem(await request(url, { method: 'DELETE', headers: { 'if-match': '*' } }), 404, 'page-not-found');
    const history = (await request(`${url}/revisions`)).json<{ revisions: { revision: number; deleted: boolean; etag: string | null }[] }>();
    assert.deepEqual(history.revisions.map((r) => [r.revision, r.deleted, r.etag === null]), [[2, true, true], [1, false, false]]);
    const again = await putPage(base, name, 'reborn', { 'if-none-match': '*' });
    assert.equal(again.status, 201);
    assert.equal(again.json()['revision'], 3);
  });
});

describe('page names', () => {
  test('names are NFC-normalised: an NFD request reaches the NFC page', async () => {
    const nfc = `Caf\u00e9 ${++counter}`;
    await createPage(base, nfc, 'coffee');
    const res = await getPage(base, nfc.normalize('NFD'));
    assert.equal(res.status, 200);
    assert.equal(res.text(), 'coffee');
  });

  test('unicode names round-trip through the list', async () => {
    const name = `日本語 🚀 ${++counter}`;
    await createPage(base, name, 'unicode');
    const list = (await request(`${base}/api/pages?limit=1000`)).json<{ pages: { name: string }[] }>();
    assert.ok(list.pages.some((p) => p.name === name));
  });

  const badNames: [string, string][] = [
    ['an empty segment ("a//b" as a%2F%2Fb)', 'a%2F%2Fb'],
    ['a trailing "/" (as %2F)', 'a%2F'],
    ['a reserved subpage name', 'a%2Fedit'],
    ['a control character', 'a%07b'],
    ['a leading space', '%20lead'],
    ['a trailing space', 'trail%20'],
    ['256 characters', 'x'.repeat(256)],
    ['invalid percent-encoded UTF-8', '%FF%FE'],
    ['a truncated percent escape', '%E0%A4%A'],
  ];
  for (const [label, raw] of badNames) {
    test(`a name with ${label} is 400 problem+json`, async () => {
      const res = await request(`${base}/api/pages/${raw}`);
      assert.equal(res.status, 400);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      const write = await request(`${base}/api/pages/${raw}`, { method: 'PUT', headers: { 'content-type': 'text/markdown', 'if-none-match': '*' }, body: 'x' });
      assert.equal(write.status, 400);
    });
  }

  test('a name of exactly 255 characters is accepted', async () => {
    const name = 'é'.repeat(255);
    assert.equal((await putPage(base, name, 'long', { 'if-none-match': '*' })).status, 201);
  });
});

describe('bad input gets a clear 4xx and changes nothing', () => {
  test('a body over the configured limit is 413', async () => {
    const name = fresh('Big');
    const etag = await createPage(base, name, 'small');
    const res = await putPage(base, name, 'x'.repeat(65 * 1024), { 'if-match': etag });
    assertProblem(res, 413, 'payload-too-large');
    assert.equal((await getPage(base, name)).text(), 'small');
  });

  test('a body that is not UTF-8 is 400', async () => {
    const name = fresh('Latin1');
    const etag = await createPage(base, name, 'ok');
    const res = await request(`${base}/api/pages/${encodeURIComponent(name)}`, {
      method: 'PUT',
      headers: { 'content-type': 'text/markdown', 'if-match': etag },
      body: Buffer.from([0x63, 0x61, 0x66, 0xe9]),
    });
    assertProblem(res, 400, 'bad-body-encoding');
    assert.equal((await getPage(base, name)).text(), 'ok');
  });

  const badTypes = ['application/json', 'application/x-www-form-urlencoded', 'image/png', 'text/markdown; charset=iso-8859-1'];
  for (const type of badTypes) {
    test(`Content-Type ${type} is 415`, async () => {
      const name = fresh('Type');
      const res = await request(`${base}/api/pages/${encodeURIComponent(name)}`, {
        method: 'PUT',
        headers: { 'content-type': type, 'if-none-match': '*' },
        body: '{"a":1}',
      });
      assertProblem(res, 415, 'unsupported-media-type');
      assert.equal((await getPage(base, name)).status, 404);
    });
  }

  test('a PUT with no Content-Type is 415', async () => {
    const res = await request(`${base}/api/pages/${encodeURIComponent(fresh('NoType'))}`, { method: 'PUT', headers: { 'if-none-match': '*' }, body: 'x' });
    assertProblem(res, 415, 'unsupported-media-type');
  });

  test('text/plain is accepted as a page body, and a UTF-8 BOM is kept byte for byte', async () => {
    const name = fresh('Plain');
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('bom')]);
    const res = await request(`${base}/api/pages/${encodeURIComponent(name)}`, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', 'if-none-match': '*' },
      body,
    });
    assert.equal(res.status, 201);
    assert.deepEqual((await getPage(base, name)).body, body);
  });

  test('an unknown method is 405 with Allow; OPTIONS lists the methods', async () => {
    const url = `${base}/api/pages/Anything`;
    for (const method of ['POST', 'PATCH', 'PROPFIND', 'PURGE']) {
      const res = await request(url, { method });
      assertProblem(res, 405, 'method-not-allowed');
      assert.equal(res.headers.allow, 'GET, HEAD, PUT, DELETE, MOVE, OPTIONS');
    }
    const options = await request(url, { method: 'OPTIONS' });
    assert.equal(options.status, 204);
    assert.equal(options.headers.allow, 'GET, HEAD, PUT, DELETE, MOVE, OPTIONS');
  });

  test('an unknown path is 404 problem+json', async () => {
    assertProblem(await request(`${base}/api/nothing-here`), 404, 'not-found');
  });
});

describe('the page list', () => {
  test('is paginated by cursor in name order, has its own ETag and answers 304', async () => {
    const prefix = `List ${++counter}`;
    for (const suffix of ['c', 'a', 'b', 'd', 'e']) await createPage(base, `${prefix} ${suffix}`, suffix);
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await request(`${base}/api/pages?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(res.status, 200);
      const body = res.json<{ pages: { name: string; etag: string; lastModified: string; size: number }[]; next: string | null }>();
      assert.ok(body.pages.length <= 2);
      for (const page of body.pages) {
        assert.match(page.etag, /^"/);
        assert.ok(!Number.isNaN(Date.parse(page.lastModified)));
        assert.equal(typeof page.size, 'number');
      }
      names.push(...body.pages.map((p) => p.name));
      cursor = body.next;
    } while (cursor);
    const mine = names.filter((n) => n.startsWith(prefix));
    assert.deepEqual(mine, ['a', 'b', 'c', 'd', 'e'].map((s) => `${prefix} ${s}`));
    assert.deepEqual([...names].sort(), names, 'sorted');

    const first = await request(`${base}/api/pages?limit=3`);
    const etag = first.headers.etag!;
    assert.equal((await request(`${base}/api/pages?limit=3`, { headers: { 'if-none-match': etag } })).status, 304);
    await createPage(base, fresh('List change'), 'z');
    assert.equal((await request(`${base}/api/pages?limit=1000`, { headers: { 'if-none-match': etag } })).status, 200);
  });

  test('a bad limit or cursor is 400', async () => {
    assertProblem(await request(`${base}/api/pages?limit=0`), 400, 'bad-request');
    assertProblem(await request(`${base}/api/pages?limit=abc`), 400, 'bad-request');
    assertProblem(await request(`${base}/api/pages?cursor=%25%25`), 400, 'bad-request');
  });
});

describe('revisions', () => {
  test('newest first; each revision is served with the ETag the page had then, immutable, with 304', async () => {
    const name = fresh('History');
    const v1 = await createPage(base, name, 'first');
    const v2 = (await putPage(base, name, 'second', { 'if-match': v1, 'edit-summary': 'two' })).headers.etag!;
    const list = (await request(`${base}/api/pages/${encodeURIComponent(name)}/revisions`)).json<{
      revisions: { revision: number; etag: string; size: number; summary: string; deleted: boolean; lastModified: string }[];
    }>();
    assert.deepEqual(list.revisions.map((r) => [r.revision, r.etag, r.size, r.summary, r.deleted]), [
      [2, v2, 6, 'two', false],
      [1, v1, 5, '', false],
    ]);
    const old = await request(`${base}/api/pages/${encodeURIComponent(name)}/revisions/1`);
    assert.equal(old.status, 200);
    assert.equal(old.text(), 'first');
    assert.equal(old.headers.etag, v1);
    assert.equal(old.headers['cache-control'], 'public, max-age=31536000, immutable');
    const cached = await request(`${base}/api/pages/${encodeURIComponent(name)}/revisions/1`, { headers: { 'if-none-match': v1 } });
    assert.equal(cached.status, 304);
    assertProblem(await request(`${base}/api/pages/${encodeURIComponent(name)}/revisions/3`), 404, 'revision-not-found');
    assertProblem(await request(`${base}/api/pages/${encodeURIComponent(name)}/revisions/zero`), 400, 'bad-request');
  });

  test('history pages with limit and before', async () => {
    const name = fresh('Long history');
    let etag = await createPage(base, name, '0');
    for (let i = 1; i < 5; i++) etag = (await putPage(base, name, String(i), { 'if-match': etag })).headers.etag!;
    const first = (await request(`${base}/api/pages/${encodeURIComponent(name)}/revisions?limit=2`)).json<{ revisions: { revision: number }[]; next: number }>();
    assert.deepEqual(first.revisions.map((r) => r.revision), [5, 4]);
    const second = (await request(`${base}/api/pages/${encodeURIComponent(name)}/revisions?limit=2&before=${first.next}`)).json<{ revisions: { revision: number }[] }>();
    assert.deepEqual(second.revisions.map((r) => r.revision), [3, 2]);
  });
});
