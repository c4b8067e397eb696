// The last corners of RFC 9110 / 9111 / 9112 (issue 14, items 1-8), over real HTTP against a
// real server process; raw sockets where a client library would hide what is sent.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { createPage, getPage, putPage, request } from './support/http.js';
import { connectRaw, rawRequest } from './support/raw-http.js';
import { type RunningServer, removeDir, serverPerSuite, startServer } from './support/server.js';

const run = promisify(execFile);
const suite = serverPerSuite();
const big = Array.from({ length: 200 }, (_, i) => `line ${i} of a page long enough to be compressed`).join('\n');
const markdown: [string, string] = ['Content-Type', 'text/markdown; charset=utf-8'];
const installed = { curl: await hasTool('curl'), wget: await hasTool('wget') };
let page = 0;
const fresh = (prefix: string) => `${prefix}-${++page}`;

async function hasTool(name: string): Promise<boolean> {
  try {
    await run(name, ['--version']);
    return true;
  } catch {
    return false;
  }
}

describe('item 1: a 304 names the representation the request selects (§13.1.2, RFC 9111 §4.3.4)', () => {
  let etag: string;
  let gzipTag: string;
  before(async () => {
    etag = await createPage(suite.url, 'Coded', big);
    gzipTag = (await getPage(suite.url, 'Coded', { 'accept-encoding': 'gzip' })).headers.etag!;
    assert.equal(gzipTag, `${etag.slice(0, -1)}+gzip"`);
  });

  test('If-None-Match with the gzip tag, without Accept-Encoding: 200 with the identity tag, not a 304 naming it', async () => {
    const res = await getPage(suite.url, 'Coded', { 'if-none-match': gzipTag });
    assert.equal(res.status, 200);
    assert.equal(res.headers.etag, etag);
    assert.equal(res.text(), big);
  });

  test('Accept-Encoding: gzip with the identity tag: 200 with the gzip tag, not a 304 naming it', async () => {
    const res = await getPage(suite.url, 'Coded', { 'accept-encoding': 'gzip', 'if-none-match': etag });
    assert.equal(res.status, 200);
    assert.equal(res.headers.etag, gzipTag);
    assert.equal(res.headers['content-encoding'], 'gzip');
  });

  test('each variant revalidated with its own tag is still a 304 carrying that tag', async () => {
    const identity = await getPage(suite.url, 'Coded', { 'if-none-match': etag });
    assert.equal(identity.status, 304);
    assert.equal(identity.headers.etag, etag);
    const coded = await getPage(suite.url, 'Coded', { 'accept-encoding': 'gzip', 'if-none-match': `W/${gzipTag}` });
    assert.equal(coded.status, 304);
    assert.equal(coded.headers.etag, gzipTag);
  });

  test('If-Match still accepts every variant\'s tag of the current revision', async () => {
    const res = await putPage(suite.url, 'Coded', `${big}\nmore`, { 'if-match': gzipTag });
    assert.equal(res.status, 200);
  });
});

describe('item 2: Range units and invalid range sets (§14.1, §14.2)', () => {
  const source = 'line 0 of a ranged page\nline 1\nline 2\n';
  before(async () => {
    await createPage(suite.url, 'Ranged', source);
  });
  const cases: [label: string, range: string, status: number, body: string][] = [
    ['a unit other than bytes, past the end, is ignored (not 416)', 'items=100-', 200, source],
    ['a unit other than bytes within the length is ignored', 'items=0-4', 200, source],
    ['the unit is case-insensitive: Bytes=0-4', 'Bytes=0-4', 206, source.slice(0, 5)],
    ['the unit is case-insensitive: BYTES=-3', 'BYTES=-3', 206, source.slice(-3)],
    ['a set with an invalid member (last-pos below first-pos) is ignored, never answered in part', 'bytes=1-4,5-2', 200, source],
    ['a single invalid range is ignored', 'bytes=5-2', 200, source],
    ['a set with a member that is not a range is ignored', 'bytes=0-4,abc', 200, source],
    ['a unit with no ranges is ignored', 'bytes=', 200, source],
  ];
  for (const [label, range, status, body] of cases) {
    test(`${label}: ${status}`, async () => {
      const res = await getPage(suite.url, 'Ranged', { range });
      assert.equal(res.status, status);
      assert.equal(res.text(), body);
      if (status === 206) assert.match(String(res.headers['content-range']), new RegExp(`/${source.length}$`));
      else assert.equal(res.headers['content-range'], undefined);
    });
  }

  test('a bytes range wholly past the end is still 416', async () => {
    const res = await getPage(suite.url, 'Ranged', { range: 'bytes=1000-2000' });
    assert.equal(res.status, 416);
    assert.equal(res.headers['content-range'], `bytes */${source.length}`);
  });
});

describe('item 3: a date precondition on two field lines is ignored (§13.1.3, §13.1.4)', () => {
  const later = new Date(Date.now() + 3_600_000).toUTCString();
  const old = 'Sat, 01 Jan 2000 00:00:00 GMT';

  test('PUT with If-Unmodified-Since [a later date, an old date]: 428, not written on the first line\'s word', async () => {
    const name = fresh('TwoDates');
    await createPage(suite.url, name, 'original');
    const res = await putPage(suite.url, name, 'overwritten', { 'if-unmodified-since': [later, old] });
    assert.equal(res.status, 428);
    assert.equal((await getPage(suite.url, name)).text(), 'original');
  });

  test('the same field on one line is still read: a later date lets the write through', async () => {
    const name = fresh('OneDate');
    await createPage(suite.url, name, 'original');
    assert.equal((await putPage(suite.url, name, 'edited', { 'if-unmodified-since': later })).status, 200);
  });

  test('GET with If-Modified-Since on two lines: 200, not a 304 from the first line', async () => {
    const name = fresh('TwoImsDates');
    await createPage(suite.url, name, 'text');
    const now = new Date().toUTCString();
    assert.equal((await getPage(suite.url, name, { 'if-modified-since': now })).status, 304);
    const res = await getPage(suite.url, name, { 'if-modified-since': [now, old] });
    assert.equal(res.status, 200);
    assert.equal(res.text(), 'text');
  });
});

describe('item 3: other fields on two lines, which Node joins with ", " (§5.3)', () => {
  test('If-Range on two lines is not one entity-tag: the full 200, never a 206 for a range it may not fit', async () => {
    const name = fresh('TwoIfRange');
    const etag = await createPage(suite.url, name, 'some ranged text');
    assert.equal((await getPage(suite.url, name, { range: 'bytes=0-3', 'if-range': etag })).status, 206);
    const res = await getPage(suite.url, name, { range: 'bytes=0-3', 'if-range': [etag, etag] });
    assert.equal(res.status, 200);
    assert.equal(res.text(), 'some ranged text');
  });

  test('Range on two lines is not one range set: the full 200', async () => {
    const name = fresh('TwoRanges');
    await createPage(suite.url, name, 'some ranged text');
    const res = await getPage(suite.url, name, { range: ['bytes=0-3', 'bytes=5-8'] });
    assert.equal(res.status, 200);
    assert.equal(res.text(), 'some ranged text');
  });
});

describe('item 4: If-Unmodified-Since on a page that does not exist is ignored (§13.1.4)', () => {
  test('PUT with only If-Unmodified-Since on a missing page: 428, not 412, and nothing is created', async () => {
    const name = fresh('NoSuchPage');
    const res = await putPage(suite.url, name, 'text', { 'if-unmodified-since': new Date().toUTCString() });
    assert.equal(res.status, 428);
    assert.equal(res.json().code, 'precondition-required');
    assert.equal((await getPage(suite.url, name)).status, 404);
  });
});

describe('item 5: a request pipelined after an unsafe one sees its effect (RFC 9112 §9.3.2)', () => {
  test('GET, PUT, PUT, GET (old tag), GET in one write: the last two see the second PUT', async () => {
    for (let round = 0; round < 5; round++) {
      const name = fresh('Pipelined');
      const etag = await createPage(suite.url, name, 'one');
      const path = `/api/pages/${name}`;
      const conn = await connectRaw(suite.url);
      try {
        conn.send(
          rawRequest('GET', path, [['If-None-Match', etag]]) +
            rawRequest('PUT', path, [markdown, ['If-Match', etag]], 'two') +
            rawRequest('PUT', path, [markdown, ['If-Match', '*']], 'three') +
            rawRequest('GET', path, [['If-None-Match', etag]]) +
            rawRequest('GET', path, []),
        );
        const [read, put1, put2, revalidate, plain] = [await conn.next(), await conn.next(), await conn.next(), await conn.next(), await conn.next()];
        assert.equal(read!.status, 304);
        assert.equal(put1!.status, 200);
        assert.equal(put2!.status, 200);
        assert.equal(revalidate!.status, 200, 'the GET after the PUTs revalidated a tag from before them');
        assert.equal(revalidate!.headers.etag, put2!.headers.etag);
        assert.equal(revalidate!.body, 'three');
        assert.equal(plain!.body, 'three');
      } finally {
        conn.close();
      }
    }
  });

  test('PUT then GET in one write: the GET returns the new body', async () => {
    const name = fresh('PutThenGet');
    const etag = await createPage(suite.url, name, 'before');
    const path = `/api/pages/${name}`;
    const conn = await connectRaw(suite.url);
    try {
      conn.send(rawRequest('PUT', path, [markdown, ['If-Match', etag]], 'after') + rawRequest('GET', path, []));
      assert.equal((await conn.next()).status, 200);
      assert.equal((await conn.next()).body, 'after');
    } finally {
      conn.close();
    }
  });

  test('pipelined reads alone are all answered, in order', async () => {
    const names = [fresh('ReadA'), fresh('ReadB'), fresh('ReadC')];
    for (const name of names) await createPage(suite.url, name, `text of ${name}`);
    const conn = await connectRaw(suite.url);
    try {
      conn.send(names.map((name) => rawRequest('GET', `/api/pages/${name}`, [])).join(''));
      for (const name of names) assert.equal((await conn.next()).body, `text of ${name}`);
    } finally {
      conn.close();
    }
  });
});

describe('item 6: same-second revisions and date-only clients (curl -z, wget -N)', () => {
  /** Writes "version A" then "version B" to a new page within one second; returns A's Last-Modified. */
  async function sameSecondRevisions(): Promise<{ name: string; firstModified: Date }> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const name = fresh('SameSecond');
      const first = await putPage(suite.url, name, 'version A', { 'if-none-match': '*' });
      const second = await putPage(suite.url, name, 'version B', { 'if-match': first.headers.etag! });
      const a = new Date(first.json<{ lastModified: string }>().lastModified);
      const b = new Date(second.json<{ lastModified: string }>().lastModified);
      if (Math.floor(a.getTime() / 1000) === Math.floor(b.getTime() / 1000)) return { name, firstModified: a };
    }
    throw new Error('no two writes landed in one second in 10 attempts');
  }

  /** A local copy of version A, dated as the server dated it. */
  function staleCopy(dir: string, file: string, modified: Date): string {
    const path = join(dir, file);
    writeFileSync(path, 'version A');
    utimesSync(path, modified, modified);
    return path;
  }

  test('while another revision shares the second, there is no Last-Modified (GET and HEAD)', async () => {
    const { name } = await sameSecondRevisions();
    const res = await getPage(suite.url, name);
    assert.equal(res.text(), 'version B');
    assert.equal(res.headers['last-modified'], undefined);
    assert.equal((await request(`${suite.url}/api/pages/${name}`, { method: 'HEAD' })).headers['last-modified'], undefined);
  });

  test('a revision alone in its second has Last-Modified again', async () => {
    const { name } = await sameSecondRevisions();
    const etag = (await getPage(suite.url, name)).headers.etag!;
    await new Promise((resolve) => setTimeout(resolve, 1100 - (Date.now() % 1000)));
    const res = await putPage(suite.url, name, 'version C', { 'if-match': etag });
    assert.equal(res.status, 200);
    assert.notEqual(res.headers['last-modified'], undefined);
    assert.notEqual((await getPage(suite.url, name)).headers['last-modified'], undefined);
  });

  test('curl -z keeps the new text, not the stale file', { skip: !installed.curl && 'curl is not installed' }, async () => {
    const { name, firstModified } = await sameSecondRevisions();
    const dir = mkdtempSync(join(tmpdir(), 'midair-curl-'));
    try {
      const file = staleCopy(dir, 'page.md', firstModified);
      await run('curl', ['-s', '-R', '-z', file, '-o', file, `${suite.url}/api/pages/${name}`]);
      assert.equal(readFileSync(file, 'utf8'), 'version B');
    } finally {
      removeDir(dir);
    }
  });

  test('wget -N fetches the new text, not "no newer than local file"', { skip: !installed.wget && 'wget is not installed (.ci/run installs it)' }, async () => {
    const { name, firstModified } = await sameSecondRevisions();
    const dir = mkdtempSync(join(tmpdir(), 'midair-wget-'));
    try {
      const file = staleCopy(dir, name, firstModified);
      await run('wget', ['-q', '-N', '-P', dir, `${suite.url}/api/pages/${name}`]);
      assert.equal(readFileSync(file, 'utf8'), 'version B');
    } finally {
      removeDir(dir);
    }
  });
});

describe('item 7: Expect: 100-continue is answered at once when the headers decide (RFC 9110 §10.1.1)', () => {
  const expect: [string, string] = ['Expect', '100-continue'];
  const body = 'x'.repeat(5000);

  async function finalWithoutContinue(base: string, headers: [string, string][], length: number, status: number): Promise<void> {
    const conn = await connectRaw(base);
    try {
      conn.send(rawRequest('PUT', `/api/pages/${fresh('Expecting')}`, [...headers, expect, ['Content-Length', String(length)]]));
      const res = await conn.next();
      assert.equal(res.status, status, 'the first thing sent must be the final status, not 100 Continue');
      assert.equal(res.headers['connection'], 'close');
      await conn.closed();
    } finally {
      conn.close();
    }
  }

  test('428 (no precondition) without 100 Continue', () => finalWithoutContinue(suite.url, [markdown], body.length, 428));
  test('415 (a JSON body) without 100 Continue', () => finalWithoutContinue(suite.url, [['Content-Type', 'application/json'], ['If-None-Match', '*']], body.length, 415));
  test('413 (Content-Length over the limit) without 100 Continue', () => finalWithoutContinue(suite.url, [markdown, ['If-None-Match', '*']], 2 * 1024 * 1024, 413));

  describe('with accounts', () => {
    let accounts: RunningServer;
    before(async () => {
      accounts = await startServer({ args: ['--auth', 'accounts'] });
    });
    after(async () => {
      await accounts.stop();
      removeDir(accounts.dataDir);
    });
    test('401 (no credentials) without 100 Continue', () => finalWithoutContinue(accounts.url, [markdown, ['If-None-Match', '*']], body.length, 401));
  });

  test('headers that are fine get 100 Continue, then the body, then 201; the connection stays open', async () => {
    const name = fresh('Continued');
    const conn = await connectRaw(suite.url);
    try {
      conn.send(rawRequest('PUT', `/api/pages/${name}`, [markdown, ['If-None-Match', '*'], expect, ['Content-Length', String(body.length)]]));
      assert.equal((await conn.next()).status, 100);
      conn.send(body);
      const created = await conn.next();
      assert.equal(created.status, 201);
      assert.notEqual(created.headers['connection'], 'close');
      conn.send(rawRequest('GET', `/api/pages/${name}`, []));
      assert.equal((await conn.next()).body, body);
    } finally {
      conn.close();
    }
  });

  test('without Expect, a 428 decided before the body is read leaves the connection usable (the body is read and dropped)', async () => {
    const name = fresh('NoExpect');
    await createPage(suite.url, name, 'kept');
    const conn = await connectRaw(suite.url);
    try {
      conn.send(rawRequest('PUT', `/api/pages/${name}`, [markdown], body) + rawRequest('GET', `/api/pages/${name}`, []));
      assert.equal((await conn.next()).status, 428);
      const read = await conn.next();
      assert.equal(read.status, 200);
      assert.equal(read.body, 'kept');
    } finally {
      conn.close();
    }
  });

  test('curl: a refused PUT uploads nothing, an accepted one uploads its body after 100 Continue', { skip: !installed.curl && 'curl is not installed' }, async () => {
    const url = `${suite.url}/api/pages/${fresh('CurlExpect')}`;
    const args = ['-s', '-o', '/dev/null', '-X', 'PUT', '-H', 'Content-Type: text/markdown', '-H', 'Expect: 100-continue', '--data-binary', body, '-w', '%{http_code} %{size_upload}'];
    const refused = await run('curl', [...args, url]);
    assert.equal(refused.stdout, '428 0');
    const accepted = await run('curl', [...args, '-H', 'If-None-Match: *', url]);
    assert.equal(accepted.stdout, `201 ${body.length}`);
  });
});

describe('item 8: a 412 for the weak form of the current tag says a proxy weakened it', () => {
  let etag: string;
  let name: string;
  before(async () => {
    name = fresh('Weakened');
    etag = await createPage(suite.url, name, big);
  });

  for (const [label, tag] of [
    ['the identity tag', () => `W/${etag}`],
    ['a coded variant\'s tag (Varnish)', () => `W/${etag.slice(0, -1)}+gzip"`],
  ] as const) {
    test(`PUT with If-Match: W/ + ${label}: 412 whose detail names the proxy and how to fix it`, async () => {
      const res = await putPage(suite.url, name, 'edited', { 'if-match': tag() });
      assert.equal(res.status, 412);
      const detail = String(res.json().detail);
      assert.match(detail, /proxy/);
      assert.match(detail, /weak/);
      assert.match(detail, /gzip off/);
      assert.match(detail, /http_gzip_support=off/);
      assert.equal((await getPage(suite.url, name)).text(), big);
    });
  }

  test('a stale weak tag gets the ordinary detail', async () => {
    const res = await putPage(suite.url, name, 'edited', { 'if-match': 'W/"not-a-revision"' });
    assert.equal(res.status, 412);
    assert.doesNotMatch(String(res.json().detail), /proxy/);
  });

  test('GET with If-Match: W/ + the current tag: 412 with the same detail', async () => {
    const res = await getPage(suite.url, name, { 'if-match': `W/${etag}` });
    assert.equal(res.status, 412);
    assert.match(String(res.json().detail), /proxy/);
  });
});
