// Each trap listed in shared/PITFALLS.md, named after the server that falls into it,
// checked over real HTTP against a real midair process.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createPage, getPage, putPage, request } from './support/http.js';
import { removeDir, serverPerSuite, startServer } from './support/server.js';

const suite = serverPerSuite();
let counter = 0;
const fresh = (label: string) => `${label} ${++counter}`;
const url = (name: string) => `${suite.url}/api/pages/${encodeURIComponent(name)}`;

describe('writes', () => {
  test('nginx DAV: a stale If-Match never overwrites', async () => {
    const name = fresh('dav');
    const v1 = await createPage(suite.url, name, 'one');
    const v2 = (await putPage(suite.url, name, 'two', { 'if-match': v1 })).headers.etag!;
    assert.equal((await putPage(suite.url, name, 'lost update', { 'if-match': v1 })).status, 412);
    assert.equal((await getPage(suite.url, name)).text(), 'two');
    assert.equal((await getPage(suite.url, name)).headers.etag, v2);
  });

  test('nginx DAV: a stale If-Match never deletes', async () => {
    const name = fresh('dav delete');
    const v1 = await createPage(suite.url, name, 'one');
    await putPage(suite.url, name, 'two', { 'if-match': v1 });
    assert.equal((await request(url(name), { method: 'DELETE', headers: { 'if-match': v1 } })).status, 412);
    assert.equal((await getPage(suite.url, name)).status, 200);
  });

  test('nginx DAV: If-None-Match: * never overwrites an existing page', async () => {
    const name = fresh('dav star');
    await createPage(suite.url, name, 'original');
    assert.equal((await putPage(suite.url, name, 'clobber', { 'if-none-match': '*' })).status, 412);
    assert.equal((await getPage(suite.url, name)).text(), 'original');
  });

  test('Express/Hono/@fastify/etag: preconditions are checked on writes, and a failed write is never answered 304', async () => {
    const name = fresh('express');
    const etag = await createPage(suite.url, name, 'v1');
    // fastify/fastify-etag#116: a write whose If-None-Match matches must be 412, not run-then-304.
    const res = await putPage(suite.url, name, 'v2', { 'if-none-match': etag });
    assert.equal(res.status, 412);
    assert.equal((await getPage(suite.url, name)).text(), 'v1');
  });

  test('nginx/pillarjs send: a weak tag never satisfies If-Match (strong comparison, RFC 9110 §13.1.1)', async () => {
    const name = fresh('weak');
    const etag = await createPage(suite.url, name, 'v1');
    const res = await putPage(suite.url, name, 'v2', { 'if-match': `W/${etag}` });
    assert.equal(res.status, 412);
    assert.equal((await getPage(suite.url, name)).text(), 'v1');
  });

  test('Express default: midair hands out strong ETags, so an echoed tag can always satisfy If-Match', async () => {
    const name = fresh('strong');
    await createPage(suite.url, name, 'v1');
    const etag = (await getPage(suite.url, name)).headers.etag!;
    assert.ok(!etag.startsWith('W/'));
    assert.equal((await putPage(suite.url, name, 'v2', { 'if-match': etag })).status, 200);
  });

  test('Go fs.go/Apache core: If-Match: * on a missing page is 412 and creates nothing', async () => {
    const name = fresh('go star');
    assert.equal((await putPage(suite.url, name, 'x', { 'if-match': '*' })).status, 412);
    assert.equal((await getPage(suite.url, name)).status, 404);
  });

  test('nginx/Apache: If-Unmodified-Since is ignored when If-Match is present (§13.2.2)', async () => {
    const name = fresh('ius beside im');
    const etag = await createPage(suite.url, name, 'v1');
    const longAgo = 'Sun, 06 Nov 1994 08:49:37 GMT';
    // If-Match holds, so the stale If-Unmodified-Since must not be looked at.
    assert.equal((await putPage(suite.url, name, 'v2', { 'if-match': etag, 'if-unmodified-since': longAgo })).status, 200);
    // And a failing If-Match is not rescued by a passing If-Unmodified-Since.
    const future = new Date(Date.now() + 86_400_000).toUTCString();
    assert.equal((await putPage(suite.url, name, 'v3', { 'if-match': '"stale"', 'if-unmodified-since': future })).status, 412);
  });

  test('an invalid If-Unmodified-Since date is neither a 412 nor a pass (ignored, §13.1.4)', async () => {
    const name = fresh('ius invalid');
    const etag = await createPage(suite.url, name, 'v1');
    // With a valid If-Match beside it, the invalid date changes nothing: 200.
    assert.equal((await putPage(suite.url, name, 'v2', { 'if-match': etag, 'if-unmodified-since': 'yesterday' })).status, 200);
    // Alone, it leaves the write unconditional: 428, not 412 and not 200.
    assert.equal((await putPage(suite.url, name, 'v3', { 'if-unmodified-since': 'yesterday' })).status, 428);
  });

  test('MediaWiki T246726: a same-second edit is never let through by If-Unmodified-Since', async () => {
    const name = fresh('same second');
    // Retry until two writes land in one second (they almost always do on the first try).
    for (let attempt = 0; attempt < 5; attempt++) {
      const created = await putPage(suite.url, `${name} ${attempt}`, 'v1', { 'if-none-match': '*' });
      const lastModified = created.headers['last-modified']!;
      const second = await putPage(suite.url, `${name} ${attempt}`, 'v2 by someone else', { 'if-match': created.headers.etag! });
      const seconds = [created, second].map((res) => Math.floor(Date.parse(res.json<{ lastModified: string }>().lastModified) / 1000));
      if (seconds[0] !== seconds[1]) continue;
      // Issue 14 item 6: v2 shares v1's second, so its date cannot tell them apart and is not sent.
      assert.equal(second.headers['last-modified'], undefined);
      // A client that saw v1 holds v1's Last-Modified, which v2 shares: its write must fail.
      const stale = await putPage(suite.url, `${name} ${attempt}`, 'v1 edited', { 'if-unmodified-since': lastModified });
      assert.equal(stale.status, 412);
      assert.equal((await getPage(suite.url, `${name} ${attempt}`)).text(), 'v2 by someone else');
      return;
    }
    assert.fail('could not make two writes within one second');
  });

  test('Wiki.js/Gollum check-then-write race: 50 concurrent writers with the same If-Match, exactly one wins', async () => {
    const name = fresh('race');
    const etag = await createPage(suite.url, name, 'base');
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => putPage(suite.url, name, `writer ${i}`, { 'if-match': etag })));
    const winners = results.filter((r) => r.status === 200);
    assert.equal(winners.length, 1);
    assert.equal(results.filter((r) => r.status === 412).length, 49);
    const page = await getPage(suite.url, name);
    assert.equal(page.headers.etag, winners[0]!.headers.etag);
  });

  test('create-only race: 30 concurrent If-None-Match: * creates of one name, exactly one 201', async () => {
    const name = fresh('create race');
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => putPage(suite.url, name, `creator ${i}`, { 'if-none-match': '*' })));
    assert.equal(results.filter((r) => r.status === 201).length, 1);
    assert.equal(results.filter((r) => r.status === 412).length, 29);
  });

  test('MediaWiki "leave unset to ignore conflicts": a write without a precondition is 428, never a silent overwrite', async () => {
    const name = fresh('428');
    await createPage(suite.url, name, 'keep me');
    assert.equal((await putPage(suite.url, name, 'overwrite')).status, 428);
    assert.equal((await request(url(name), { method: 'DELETE' })).status, 428);
    assert.equal((await getPage(suite.url, name)).text(), 'keep me');
  });
});

describe('reads', () => {
  test('@fastify/etag: If-None-Match is parsed as a list, not compared as one string', async () => {
    const name = fresh('list');
    const etag = await createPage(suite.url, name, 'x');
    assert.equal((await getPage(suite.url, name, { 'if-none-match': `"other", ${etag}, "third"` })).status, 304);
    assert.equal((await getPage(suite.url, name, { 'if-none-match': '*' })).status, 304);
  });

  test('fresh/send: a comma inside a quoted tag does not split the list', async () => {
    const name = fresh('comma');
    const etag = await createPage(suite.url, name, 'x');
    // `"a, <etag-without-quotes>"` is one tag that merely contains a comma: no match.
    const trick = `"a, ${etag.slice(1, -1)}"`;
    assert.equal((await getPage(suite.url, name, { 'if-none-match': trick })).status, 200);
  });

  test('nginx/Go: several If-None-Match header lines form one list (§5.3)', async () => {
    const name = fresh('lines');
    const etag = await createPage(suite.url, name, 'x');
    assert.equal((await getPage(suite.url, name, { 'if-none-match': ['"nope"', etag] })).status, 304);
    assert.equal((await getPage(suite.url, name, { 'if-none-match': [etag, '"nope"'] })).status, 304);
    // And on a write, If-Match on two lines is one list too.
    assert.equal((await putPage(suite.url, name, 'y', { 'if-match': ['"nope"', etag] })).status, 200);
  });

  test('nginx/Apache: If-Modified-Since is ignored when If-None-Match is present (§13.1.3)', async () => {
    const name = fresh('ims beside inm');
    const etag = await createPage(suite.url, name, 'x');
    const longAgo = 'Sun, 06 Nov 1994 08:49:37 GMT';
    // If-None-Match matches: 304 although If-Modified-Since alone would say 200.
    assert.equal((await getPage(suite.url, name, { 'if-none-match': etag, 'if-modified-since': longAgo })).status, 304);
    // If-None-Match does not match: 200 although If-Modified-Since alone would say 304.
    const lastModified = (await getPage(suite.url, name)).headers['last-modified']!;
    assert.equal((await getPage(suite.url, name, { 'if-none-match': '"other"', 'if-modified-since': lastModified })).status, 200);
  });

  test('fresh/send Date.parse: only the three HTTP-date formats are dates ("0", ISO and local forms are ignored)', async () => {
    const name = fresh('dates');
    await createPage(suite.url, name, 'x');
    for (const bogus of ['0', '2030-01-01T00:00:00Z', 'Tue Nov 24 2099 10:00:00 GMT+0100', 'tomorrow', '1e12']) {
      assert.equal((await getPage(suite.url, name, { 'if-modified-since': bogus })).status, 200, bogus);
    }
  });

  test('a Last-Modified date in each of the three formats gives 304 (IMF-fixdate, RFC 850, asctime as GMT)', async () => {
    const name = fresh('three formats');
    await createPage(suite.url, name, 'x');
    const lastModified = new Date((await getPage(suite.url, name)).headers['last-modified']!);
    const pad = (n: number) => String(n).padStart(2, '0');
    const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const d = lastModified;
    const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    const rfc850 = `${days[d.getUTCDay()]}, ${pad(d.getUTCDate())}-${months[d.getUTCMonth()]}-${pad(d.getUTCFullYear() % 100)} ${time} GMT`;
    const asctime = `${days[d.getUTCDay()]!.slice(0, 3)} ${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${time} ${d.getUTCFullYear()}`;
    for (const date of [d.toUTCString(), rfc850, asctime]) {
      assert.equal((await getPage(suite.url, name, { 'if-modified-since': date })).status, 304, date);
    }
  });

  test('@fastify/etag/Hono: a request that would be 404 ignores its preconditions (no 304 for a missing page)', async () => {
    const name = fresh('missing');
    assert.equal((await getPage(suite.url, name, { 'if-none-match': '*' })).status, 404);
    assert.equal((await getPage(suite.url, name, { 'if-none-match': '"x"' })).status, 404);
    assert.equal((await getPage(suite.url, name, { 'if-match': '"x"' })).status, 404);
    assert.equal((await getPage(suite.url, name, { 'if-modified-since': new Date().toUTCString() })).status, 404);
  });

  test('send If-Range: a weak tag, a stale tag or a later date gives the full 200; only the exact strong tag keeps the range', async () => {
    const name = fresh('if-range');
    const etag = await createPage(suite.url, name, '0123456789');
    const range = { range: 'bytes=2-4' };
    const kept = await getPage(suite.url, name, { ...range, 'if-range': etag });
    assert.equal(kept.status, 206);
    assert.equal(kept.text(), '234');
    assert.equal(kept.headers['content-range'], 'bytes 2-4/10');
    const lastModified = (await getPage(suite.url, name)).headers['last-modified']!;
    const later = new Date(Date.parse(lastModified) + 5000).toUTCString();
    for (const ifRange of [`W/${etag}`, '"stale"', later]) {
      const res = await getPage(suite.url, name, { ...range, 'if-range': ifRange });
      assert.equal(res.status, 200, ifRange);
      assert.equal(res.text(), '0123456789');
    }
  });

  test('hashing per request: the ETag is stored, not computed from the body per response (same tag, no body read for 304)', async () => {
    // Behavioural check: a 1 MiB page answers a 304 with the same ETag as its 200, without sending the body.
    const big = await startServer({ args: ['--body-limit', '2MiB'] });
    try {
      const name = 'big page';
      const etag = await createPage(big.url, name, 'x'.repeat(1024 * 1024));
      const res = await getPage(big.url, name, { 'if-none-match': etag });
      assert.equal(res.status, 304);
      assert.equal(res.body.length, 0);
    } finally {
      await big.stop();
      removeDir(big.dataDir);
    }
  });
});

describe('compression', () => {
  test('nginx: a gzip response keeps a strong ETag, and echoing it in If-Match succeeds', async () => {
    const name = fresh('gzip');
    await createPage(suite.url, name, 'compress me '.repeat(200));
    const gz = await getPage(suite.url, name, { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    const tag = gz.headers.etag!;
    assert.ok(!tag.startsWith('W/'), 'strong');
    assert.equal((await putPage(suite.url, name, 'edited', { 'if-match': tag })).status, 200);
  });

  test('Apache mod_deflate: the coded variant has its own tag, and that tag is recognised by If-None-Match and If-Match', async () => {
    const name = fresh('deflate');
    const identityTag = await createPage(suite.url, name, 'squeeze '.repeat(300));
    const br = await getPage(suite.url, name, { 'accept-encoding': 'br' });
    assert.equal(br.headers['content-encoding'], 'br');
    const brTag = br.headers.etag!;
    assert.notEqual(brTag, identityTag, 'a content-coded variant is a different representation (§8.8.3.3)');
    assert.equal((await getPage(suite.url, name, { 'accept-encoding': 'br', 'if-none-match': brTag })).status, 304);
    // A tag of one coding does not revalidate a request that selects another: the 304 would name
    // a representation the cache never stored (RFC 9111 §4.3.4; issue 14 item 1). If-Match takes it.
    const identity = await getPage(suite.url, name, { 'if-none-match': brTag });
    assert.equal(identity.status, 200);
    assert.equal(identity.headers.etag, identityTag);
    assert.equal((await getPage(suite.url, name, { 'accept-encoding': 'gzip', 'if-none-match': identityTag })).status, 200);
    assert.equal((await putPage(suite.url, name, 'new', { 'if-match': brTag })).status, 200);
  });
});
