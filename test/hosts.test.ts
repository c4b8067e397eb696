// DNS rebinding over real HTTP: a Host that is not a loopback name or a PUBLIC_URL host gets
// 421 and changes nothing; PUBLIC_URL also gives the cross-site check the site's own origin.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getPage, type HttpResponse, putPage, request } from './support/http.js';
import { connectRaw } from './support/raw-http.js';
import { serverPerSuite } from './support/server.js';

function assertMisdirected(res: HttpResponse): void {
  assert.equal(res.status, 421, res.text());
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.equal(res.json()['code'], 'misdirected-request');
}

describe('open mode on loopback: only loopback names', () => {
  const suite = serverPerSuite();
  const port = () => new URL(suite.url).port;

  it('refuses Host: evil.test with 421 for GET, HEAD, PUT and DELETE, and changes nothing', async () => {
    const created = await putPage(suite.url, 'Target', 'original\n', { 'if-none-match': '*' });
    assert.equal(created.status, 201);
    const etag = created.headers.etag!;
    const evil = { host: `evil.test:${port()}` };

    assertMisdirected(await getPage(suite.url, 'Target', evil));
    assert.equal((await request(`${suite.url}/api/pages/Target`, { method: 'HEAD', headers: evil })).status, 421);
    assertMisdirected(await putPage(suite.url, 'Target', 'defaced\n', { ...evil, 'if-match': etag }));
    assertMisdirected(await putPage(suite.url, 'New', 'planted\n', { ...evil, 'if-none-match': '*' }));
    assertMisdirected(await request(`${suite.url}/api/pages/Target`, { method: 'DELETE', headers: { ...evil, 'if-match': etag } }));
    // The browser's no-JavaScript form post too, and the wiki's pages.
    const form = await request(`${suite.url}/wiki/Target`, {
      method: 'POST',
      headers: { ...evil, 'content-type': 'application/x-www-form-urlencoded', origin: `http://evil.test:${port()}`, 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ content: 'defaced\n', baseEtag: etag }).toString(),
    });
    assert.equal(form.status, 421);
    assert.equal((await request(`${suite.url}/wiki/Target`, { headers: evil })).status, 421);

    const after = await getPage(suite.url, 'Target');
    assert.equal(after.status, 200);
    assert.equal(after.text(), 'original\n');
    assert.equal(after.headers.etag, etag);
    assert.equal((await getPage(suite.url, 'New')).status, 404);
  });

  it('a refused PUT with Expect: 100-continue gets its 421 first and uploads nothing; pipelined after it, a loopback GET is answered', async () => {
    const conn = await connectRaw(suite.url);
    try {
      conn.send(['PUT /api/pages/Expecting HTTP/1.1', 'Host: evil.test', 'Content-Type: text/markdown', 'If-None-Match: *', 'Expect: 100-continue', 'Content-Length: 5000', '', ''].join('\r\n'));
      const res = await conn.next();
      assert.equal(res.status, 421, 'the first thing sent must be the final status, not 100 Continue');
      assert.equal(JSON.parse(res.body).code, 'misdirected-request');
      assert.equal(res.headers['connection'], 'close');
      await conn.closed();
    } finally {
      conn.close();
    }
    assert.equal((await getPage(suite.url, 'Expecting')).status, 404);
    const pipelined = await connectRaw(suite.url);
    try {
      pipelined.send(['GET /api/pages/Target HTTP/1.1', 'Host: evil.test', '', 'GET /api/pages/Target HTTP/1.1', 'Host: localhost', '', ''].join('\r\n'));
      const refused = await pipelined.next();
      assert.equal(refused.status, 421);
      assert.equal(JSON.parse(refused.body).code, 'misdirected-request');
      assert.equal((await pipelined.next()).status, 200);
    } finally {
      pipelined.close();
    }
  });

  it('accepts localhost, 127.0.0.1, [::1] and *.localhost with any port', async () => {
    const hosts = [`localhost:${port()}`, `127.0.0.1:${port()}`, `[::1]:${port()}`, 'wiki.localhost:8080', 'localhost'];
    for (const [i, host] of hosts.entries()) {
      const res = await putPage(suite.url, `Loopback ${i}`, `by ${host}\n`, { host, 'if-none-match': '*' });
      assert.equal(res.status, 201, `${host}: ${res.text()}`);
      assert.equal((await getPage(suite.url, `Loopback ${i}`, { host })).text(), `by ${host}\n`);
    }
  });

  it('a rebinding page sending its own Origin gets 421, not a same-origin pass', async () => {
    const host = `rebind.evil.test:${port()}`;
    const res = await putPage(suite.url, 'Rebound', 'x\n', { host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin', 'if-none-match': '*' });
    assertMisdirected(res);
    assert.match(res.json<{ detail: string }>().detail, /rebind\.evil\.test/);
  });

  it('without TRUST_PROXY, X-Forwarded-Host neither helps nor hurts', async () => {
    assertMisdirected(await getPage(suite.url, 'Target', { host: 'evil.test', 'x-forwarded-host': 'localhost' }));
    assert.equal((await getPage(suite.url, 'Target', { host: 'localhost', 'x-forwarded-host': 'evil.test' })).status, 200);
  });
});

describe('PUBLIC_URL and a trusted proxy', () => {
  const suite = serverPerSuite({ env: { PUBLIC_URL: 'http://wiki.test, https://secure.wiki.test', TRUST_PROXY: '127.0.0.1' } });
  const port = () => new URL(suite.url).port;

  it('accepts the public host (any port), loopback names, and refuses other names', async () => {
    assert.equal((await getPage(suite.url, 'Nothing', { host: 'wiki.test' })).status, 404);
    assert.equal((await getPage(suite.url, 'Nothing', { host: `wiki.test:${port()}` })).status, 404);
    assert.equal((await getPage(suite.url, 'Nothing', { host: 'secure.wiki.test' })).status, 404);
    assert.equal((await getPage(suite.url, 'Nothing', { host: `127.0.0.1:${port()}` })).status, 404);
    assertMisdirected(await getPage(suite.url, 'Nothing', { host: 'evil.test' }));
    assertMisdirected(await getPage(suite.url, 'Nothing', { host: 'x.wiki.test' }));
  });

  it('behind a trusted proxy, X-Forwarded-Host is the host checked', async () => {
    // The proxy's own Host (an upstream name) is not what users reach.
    assert.equal((await getPage(suite.url, 'Nothing', { host: 'midair-upstream', 'x-forwarded-host': 'wiki.test' })).status, 404);
    assertMisdirected(await getPage(suite.url, 'Nothing', { host: 'wiki.test', 'x-forwarded-host': 'evil.test' }));
  });

  it('the Origin check takes the site origin from PUBLIC_URL, not from Host', async () => {
    // Host as a proxy might send it (port dropped or changed): the page's Origin is PUBLIC_URL's.
    const ok = await putPage(suite.url, 'Public', 'one\n', { host: `wiki.test:${port()}`, origin: 'http://wiki.test', 'sec-fetch-site': 'same-origin', 'if-none-match': '*' });
    assert.equal(ok.status, 201, ok.text());
    const viaLoopback = await putPage(suite.url, 'Public', 'two\n', { host: '127.0.0.1:9', origin: 'https://secure.wiki.test', 'sec-fetch-site': 'same-origin', 'if-match': ok.headers.etag! });
    assert.equal(viaLoopback.status, 200, viaLoopback.text());
    // The origin built from Host is no longer trusted on its own: the public host on another port is another site.
    const otherPort = await putPage(suite.url, 'Public', 'three\n', { host: `wiki.test:${port()}`, origin: `http://wiki.test:${port()}`, 'if-match': viaLoopback.headers.etag! });
    assert.equal(otherPort.status, 403);
    assert.equal(otherPort.json()['code'], 'csrf-rejected');
    assert.match(otherPort.json<{ detail: string }>().detail, /differ in port/);
    // A loopback name stays its own origin (an admin on the machine itself).
    const local = await putPage(suite.url, 'Public', 'four\n', { host: `localhost:${port()}`, origin: `http://localhost:${port()}`, 'if-match': viaLoopback.headers.etag! });
    assert.equal(local.status, 200, local.text());
    assert.equal((await getPage(suite.url, 'Public')).text(), 'four\n');
  });
});

describe('a non-loopback listen address without PUBLIC_URL (accounts mode on a LAN)', () => {
  const suite = serverPerSuite({ args: ['--host', '0.0.0.0', '--auth', 'accounts'] });
  const base = () => suite.url.replace('//0.0.0.0:', '//127.0.0.1:');

  it('serves whatever name or address people reach it by, and warns at start', async () => {
    for (const host of ['192.168.1.5:3000', 'wiki.lan', `127.0.0.1:${new URL(suite.url).port}`]) {
      assert.equal((await getPage(base(), 'Nothing', { host })).status, 404, host);
    }
    assert.match(suite.server.output(), /without PUBLIC_URL/);
  });
});
