// The defences over real HTTP: cross-site requests refused (form posts and fetches alike),
// rate limits hit and recovered, security headers that leave conditional requests intact,
// and preconditions evaluated only after authentication and authorisation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { addUser, bearer, cookie, createToken, passwordOf, postForm, runAdmin, sameOrigin, signIn } from './support/accounts.js';
import { createPage, getPage, type HttpResponse, putPage, request } from './support/http.js';
import { type RunningServer, removeDir, startServer, tempDir } from './support/server.js';

async function startWithUsers(args: string[], users: [string, 'reader' | 'editor' | 'admin'][]): Promise<RunningServer> {
  const dataDir = tempDir();
  await Promise.all(users.map(([name, role]) => addUser({ dataDir }, name, role)));
  return startServer({ dataDir, args });
}

async function stop(...servers: RunningServer[]): Promise<void> {
  for (const server of servers) {
    await server?.stop();
    if (server) removeDir(server.dataDir);
  }
}

describe('cross-site request forgery', () => {
  let server: RunningServer;
  let base: string;
  let session: string;
  let etag: string;
  before(async () => {
    server = await startWithUsers(['--auth', 'accounts'], [['ana', 'editor']]);
    base = server.url;
    session = await signIn(base, 'ana');
    const res = await putPage(base, 'Target', 'original\n', { 'if-none-match': '*', cookie: cookie(session), ...sameOrigin(base) });
    assert.equal(res.status, 201);
    etag = res.headers.etag!;
  });
  after(() => stop(server));

  const formPost = (headers: Record<string, string>) =>
    postForm(base, '/wiki/Target', { content: 'defaced\n', baseEtag: etag }, { cookie: cookie(session), ...headers });
  const fetchPut = (headers: Record<string, string>) => putPage(base, 'Target', 'defaced\n', { 'if-match': etag, cookie: cookie(session), ...headers });

  const crossSite: [string, Record<string, string>][] = [
    ['another site (Origin)', { origin: 'https://evil.example' }],
    ['another site (Sec-Fetch-Site)', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }],
    ['the same site, another port', { 'sec-fetch-site': 'same-site', origin: 'http://127.0.0.1:1' }],
    ['a sandboxed frame (Origin: null)', { origin: 'null' }],
    ['a page that hides its origin', {}],
    ['an origin that says same-origin but is not', { 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' }],
  ];

  for (const [name, headers] of crossSite) {
    it(`a form post and a fetch with a valid cookie from ${name} are refused`, async () => {
      for (const res of [await formPost(headers), await fetchPut(headers)]) {
        assert.equal(res.status, 403);
        assert.equal(res.headers.etag, undefined);
      }
      assert.equal((await getPage(base, 'Target')).text(), 'original\n', 'the page is untouched');
      const api = await fetchPut(headers);
      assert.equal(api.json()['code'], 'csrf-rejected');
    });
  }

  it('sign-out and sign-in from another site are refused too', async () => {
    const out = await postForm(base, '/logout', {}, { cookie: cookie(session), origin: 'https://evil.example' });
    assert.equal(out.status, 403);
    assert.equal((await request(`${base}/account`, { headers: { cookie: cookie(session) } })).status, 200, 'still signed in');
    // Login CSRF: signing the victim's browser into the attacker's account.
    const login = await postForm(base, '/login', { username: 'ana', password: passwordOf('ana') }, { 'sec-fetch-site': 'cross-site' });
    assert.equal(login.status, 403);
  });

  it('the same requests from our own pages go through', async () => {
    const form = await formPost(sameOrigin(base));
    assert.equal(form.status, 303);
    const now = (await getPage(base, 'Target')).headers.etag!;
    const fetched = await putPage(base, 'Target', 'fetched\n', { 'if-match': now, cookie: cookie(session), origin: base });
    assert.equal(fetched.status, 200);
    const bySite = await putPage(base, 'Target', 'by header\n', { 'if-match': fetched.headers.etag!, cookie: cookie(session), 'sec-fetch-site': 'same-origin' });
    assert.equal(bySite.status, 200);
  });

  it('a bearer token needs no origin: a page cannot make a browser send it', async () => {
    const token = await createToken(base, session, 'script');
    const current = (await getPage(base, 'Target')).headers.etag!;
    const res = await putPage(base, 'Target', 'scripted\n', { 'if-match': current, ...bearer(token), origin: 'https://elsewhere.example' });
    assert.equal(res.status, 200);
  });
});

describe('cross-site writes to an open wiki', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(() => stop(server));

  it('an anonymous write that a browser says comes from another site is refused; curl and our own pages are not', async () => {
    const evil = await putPage(server.url, 'Loopback', 'x\n', { 'if-none-match': '*', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    assert.equal(evil.status, 403);
    const form = await postForm(server.url, '/wiki/Loopback', { content: 'x\n', baseEtag: '' }, { origin: 'https://evil.example' });
    assert.equal(form.status, 403);
    assert.equal((await putPage(server.url, 'Loopback', 'x\n', { 'if-none-match': '*' })).status, 201);
    assert.equal((await postForm(server.url, '/wiki/Looped', { content: 'x\n', baseEtag: '' }, sameOrigin(server.url))).status, 303);
  });
});

describe('rate limits', () => {
  let server: RunningServer;
  let base: string;
  before(async () => {
    server = await startWithUsers(
      // Windows long enough that a loaded machine (scrypt at every sign-in) stays inside one.
      ['--auth', 'accounts', '--login-rate-limit', '3/8s', '--login-address-rate-limit', '8/8s', '--write-rate-limit', '4/6s'],
      [
        ['ana', 'editor'],
        ['bo', 'editor'],
      ],
    );
    base = server.url;
  });
  after(() => stop(server));

  function assertTooMany(res: HttpResponse): number {
    assert.equal(res.status, 429);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    const body = res.json();
    assert.equal(body['code'], 'too-many-requests');
    const retryAfter = Number(res.headers['retry-after']);
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 8, `Retry-After: ${res.headers['retry-after']}`);
    assert.equal(body['retryAfter'], retryAfter);
    return retryAfter;
  }

  it('failed sign-ins per account: refused after the limit, even with the right password, then recovered', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await postForm(base, '/login', { username: 'ana', password: 'wrong wrong' })).status, 401);
    const retry = assertTooMany(await postForm(base, '/login', { username: 'ana', password: passwordOf('ana') }));
    // Another account from the same address is not locked.
    assert.equal((await postForm(base, '/login', { username: 'bo', password: passwordOf('bo') })).status, 303);
    const html = await postForm(base, '/login', { username: 'ana', password: passwordOf('ana') }, { accept: 'text/html' });
    assert.equal(html.status, 429, 'a browser gets a page, with the same status');
    assert.ok(html.headers['retry-after']);
    await sleep(retry * 1000 + 200);
    assert.equal((await postForm(base, '/login', { username: 'ana', password: passwordOf('ana') })).status, 303);
  });

  it('sign-in attempts per address: refused after the limit whatever the account, then recovered', async () => {
    await sleep(8200); // a fresh window for this address
    let res: HttpResponse | undefined;
    for (let i = 0; i < 9; i++) res = await postForm(base, '/login', { username: `nobody${i}`, password: 'whatever1' });
    const retry = assertTooMany(res!);
    await sleep(retry * 1000 + 200);
    assert.equal((await postForm(base, '/login', { username: 'bo', password: passwordOf('bo') })).status, 303);
  });

  it('writes per user: refused after the limit, others unaffected, then recovered', async () => {
    const ana = await createToken(base, await signIn(base, 'ana'), 'writes');
    const bo = await createToken(base, await signIn(base, 'bo'), 'writes');
    await sleep(6100); // making the tokens counted as writes too: start from a fresh window
    let etag = await createPage(base, 'Busy', '0\n').catch(() => '');
    assert.equal(etag, '', 'anonymous writes are not allowed in accounts mode');
    etag = (await putPage(base, 'Busy', '0\n', { 'if-none-match': '*', ...bearer(ana) })).headers.etag!;
    for (let i = 1; i < 4; i++) {
      const res = await putPage(base, 'Busy', `${i}\n`, { 'if-match': etag, ...bearer(ana) });
      assert.equal(res.status, 200, `write ${i}`);
      etag = res.headers.etag!;
    }
    const refused = await putPage(base, 'Busy', 'too many\n', { 'if-match': etag, ...bearer(ana) });
    const retry = assertTooMany(refused);
    assert.equal(refused.headers.etag, undefined, 'the refusal carries no ETag');
    assert.equal((await getPage(base, 'Busy')).text(), '3\n');
    const other = await putPage(base, 'Busy', 'bo\n', { 'if-match': etag, ...bearer(bo) });
    assert.equal(other.status, 200, 'another user has a budget of their own');
    await sleep(retry * 1000 + 200);
    assert.equal((await putPage(base, 'Busy', 'later\n', { 'if-match': other.headers.etag!, ...bearer(ana) })).status, 200);
  });
});

describe('security headers', () => {
  let server: RunningServer;
  let base: string;
  let session: string;
  before(async () => {
    server = await startWithUsers(['--auth', 'accounts'], [['ana', 'editor']]);
    base = server.url;
    session = await signIn(base, 'ana');
    await putPage(base, 'Headers', '# Headed\n', { 'if-none-match': '*', cookie: cookie(session), ...sameOrigin(base) });
  });
  after(() => stop(server));

  function assertHardened(res: HttpResponse, what: string): void {
    const csp = String(res.headers['content-security-policy']);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, `${what}: no inline script`);
    assert.match(csp, /frame-ancestors 'none'/, `${what}: no framing`);
    assert.equal(res.headers['x-content-type-options'], 'nosniff', what);
    if (String(res.headers['content-type']).startsWith('text/html')) {
      assert.match(csp, /script-src 'self'(;|$)/, `${what}: scripts only from us`);
      assert.match(csp, /object-src 'none'/, what);
      assert.equal(res.headers['referrer-policy'], 'same-origin', what);
      assert.equal(res.headers['x-frame-options'], 'DENY', what);
    } else {
      // Never a document: should a browser open it anyway, nothing in it may run or load.
      assert.match(csp, /^default-src 'none'; frame-ancestors 'none'; sandbox$/, `${what}: a policy that allows nothing`);
      assert.equal(res.headers['cross-origin-resource-policy'], 'same-origin', `${what}: not embeddable by other sites`);
    }
  }

  it('every kind of response carries them: HTML, API, problems, static files, refusals, redirects', async () => {
    const page = await request(`${base}/wiki/Headers`);
    const api = await getPage(base, 'Headers');
    const problem = await getPage(base, 'Nobody');
    const css = /href="(\/static\/[^"]+)"/.exec(page.text())![1]!;
    const file = await request(`${base}${css}`);
    const refused = await putPage(base, 'Headers', 'x', { 'if-match': api.headers.etag! });
    assert.equal(refused.status, 401);
    const redirect = await postForm(base, '/login', { username: 'ana', password: passwordOf('ana') });
    assert.equal(redirect.status, 303);
    const html = Object.entries({ page, api, problem, file, refused, redirect }).filter(([, res]) => String(res.headers['content-type']).startsWith('text/html'));
    assert.deepEqual(html.map(([what]) => what), ['page'], 'only the wiki page is a document');
    for (const [what, res] of Object.entries({ page, api, problem, file, refused, redirect })) assertHardened(res, what);
    // A cache replaces a stored response's fields with its 304's (RFC 9111 §4.3.4): a 304
    // carries the same policy as its 200, so a revalidated page is never left with another.
    const notModified = await getPage(base, 'Headers', { 'if-none-match': api.headers.etag! });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.headers.etag, api.headers.etag);
    const pageAgain = await request(`${base}/wiki/Headers`, { headers: { 'if-none-match': page.headers.etag! } });
    assert.equal(pageAgain.status, 304);
    for (const [what, revalidated, original] of [['api 304', notModified, api], ['page 304', pageAgain, page]] as const) {
      for (const name of ['content-security-policy', 'x-content-type-options', 'cross-origin-resource-policy', 'x-frame-options', 'referrer-policy']) {
        assert.equal(revalidated.headers[name], original.headers[name], `${what}: ${name} as in its 200`);
      }
    }
  });

  it('conditional requests keep working: the same ETags, 304s and 412s as before', async () => {
    const api = await getPage(base, 'Headers');
    assert.match(api.headers.etag!, /^"[^"]+"$/);
    const again = await getPage(base, 'Headers', { 'if-none-match': api.headers.etag! });
    assert.equal(again.status, 304);
    assert.equal(again.headers.etag, api.headers.etag);
    assert.equal(again.body.length, 0);
    // The rendered page: anonymous readers share one ETag; a signed-in reader has their own (their name is on it).
    const anon = await request(`${base}/wiki/Headers`);
    const anonAgain = await request(`${base}/wiki/Headers`, { headers: { 'if-none-match': anon.headers.etag! } });
    assert.equal(anonAgain.status, 304);
    const mine = await request(`${base}/wiki/Headers`, { headers: { cookie: cookie(session) } });
    assert.notEqual(mine.headers.etag, anon.headers.etag);
    assert.match(String(mine.headers['cache-control']), /private/);
    assert.match(mine.text(), /href="\/account"[^>]*>ana</);
    assert.doesNotMatch(anon.text(), /href="\/account"/);
    assert.match(anon.text(), /href="\/login">Sign in</);
    const mineAgain = await request(`${base}/wiki/Headers`, { headers: { cookie: cookie(session), 'if-none-match': mine.headers.etag! } });
    assert.equal(mineAgain.status, 304);
    const stale = await putPage(base, 'Headers', 'x\n', { 'if-match': '"stale"', cookie: cookie(session), ...sameOrigin(base) });
    assert.equal(stale.status, 412);
    assert.equal(stale.headers.etag, api.headers.etag, 'an authorised 412 names the current ETag, as before');
  });
});

describe('preconditions are evaluated after authentication and authorisation', () => {
  let privateServer: RunningServer;
  let accountsServer: RunningServer;
  before(async () => {
    const users: [string, 'reader' | 'editor' | 'admin'][] = [
      ['rea', 'reader'],
      ['edi', 'editor'],
      ['adm', 'admin'],
    ];
    [privateServer, accountsServer] = await Promise.all([startWithUsers(['--auth', 'private'], users), startWithUsers(['--auth', 'accounts'], users)]);
  });
  after(() => stop(privateServer, accountsServer));

  /** A page with two revisions; returns the first ETag (a stale If-Match that would earn a merge). */
  async function twoRevisions(base: string, name: string, token: string): Promise<{ first: string; current: string }> {
    const first = (await putPage(base, name, 'line one\nline two\n', { 'if-none-match': '*', ...bearer(token) })).headers.etag!;
    const current = (await putPage(base, name, 'line one\nline 2\n', { 'if-match': first, ...bearer(token) })).headers.etag!;
    return { first, current };
  }

  function assertLeaksNothing(res: HttpResponse, status: number, what: string): void {
    assert.equal(res.status, status, what);
    assert.equal(res.headers.etag, undefined, `${what}: no ETag header`);
    assert.equal(res.headers['last-modified'], undefined, `${what}: no Last-Modified`);
    const text = res.text();
    assert.doesNotMatch(text, /line (one|two|2)/, `${what}: no content`);
    assert.doesNotMatch(text, /currentEtag|"merge"/, `${what}: no current ETag, no merge`);
  }

  it('private mode, anonymous: 401 where a reader would get 304 or 412', async () => {
    const base = privateServer.url;
    const admin = await createToken(base, await signIn(base, 'adm'), 'setup');
    const { first, current } = await twoRevisions(base, 'Secret', admin);
    assertLeaksNothing(await getPage(base, 'Secret', { 'if-none-match': current }), 401, 'GET If-None-Match (would be 304)');
    assertLeaksNothing(await getPage(base, 'Secret', { 'if-match': '"stale"' }), 401, 'GET If-Match (would be 412)');
    assertLeaksNothing(await request(`${base}/api/pages/Secret/revisions/1`, { headers: { 'if-none-match': first } }), 401, 'a revision');
    assertLeaksNothing(await putPage(base, 'Secret', 'mine\n', { 'if-match': first }), 401, 'PUT with an old If-Match (would be 412 with a merge)');
    assertLeaksNothing(await putPage(base, 'Secret', 'mine\n', { 'if-none-match': '*' }), 401, 'PUT If-None-Match: * (would be 412)');
    assertLeaksNothing(await request(`${base}/api/pages/Secret`, { method: 'DELETE', headers: { 'if-match': '"stale"' } }), 401, 'DELETE');
    assertLeaksNothing(await request(`${base}/api/pages/Nobody`, { headers: { 'if-none-match': '*' } }), 401, 'a missing page (no 404 either)');
    const form = await postForm(base, '/wiki/Secret', { content: 'mine\n', baseEtag: first });
    assertLeaksNothing(form, 401, 'the form with an old baseEtag (would be the merge screen)');
  });

  it('a reader: 403 where an editor would get 412 with a merge; the editor does', async () => {
    const base = accountsServer.url;
    const admin = await createToken(base, await signIn(base, 'adm'), 'setup');
    const reader = await createToken(base, await signIn(base, 'rea'), 'reader');
    const editor = await createToken(base, await signIn(base, 'edi'), 'editor');
    const { first } = await twoRevisions(base, 'Plan', admin);
    assertLeaksNothing(await putPage(base, 'Plan', 'line one\nline TWO\n', { 'if-match': first, ...bearer(reader) }), 403, 'reader PUT');
    const session = await signIn(base, 'rea');
    assertLeaksNothing(await postForm(base, '/wiki/Plan', { content: 'line one\nline TWO\n', baseEtag: first }, { cookie: cookie(session), ...sameOrigin(base) }), 403, 'reader form');
    const control = await putPage(base, 'Plan', 'line one\nline TWO\nline three\n', { 'if-match': first, ...bearer(editor) });
    assert.equal(control.status, 412, 'the editor is told the page moved on');
    assert.ok(control.headers.etag);
    assert.ok(control.json()['merge'], 'with a merge proposal');
  });

  it('a protected page: 403 for an editor where an admin gets 412 with a merge', async () => {
    const base = accountsServer.url;
    const admin = await createToken(base, await signIn(base, 'adm'), 'setup');
    const editor = await createToken(base, await signIn(base, 'edi'), 'editor');
    const { first } = await twoRevisions(base, 'Policy', admin);
    assert.equal((await runAdmin({ dataDir: accountsServer.dataDir }, ['page', 'protect', 'Policy'])).code, 0);
    const refused = await putPage(base, 'Policy', 'line one\nline TWO\n', { 'if-match': first, ...bearer(editor) });
    assertLeaksNothing(refused, 403, 'editor PUT');
    assert.equal(refused.json()['code'], 'page-protected');
    assertLeaksNothing(await request(`${base}/api/pages/Policy`, { method: 'DELETE', headers: { 'if-match': first, ...bearer(editor) } }), 403, 'editor DELETE');
    const control = await putPage(base, 'Policy', 'line one\nline TWO\n', { 'if-match': first, ...bearer(admin) });
    assert.equal(control.status, 412);
    assert.ok(control.json()['merge']);
  });

  it('admins protect and unprotect pages from the browser; the page says so', async () => {
    const base = accountsServer.url;
    const admin = await signIn(base, 'adm');
    const editor = await signIn(base, 'edi');
    const asEditor = { cookie: cookie(editor), ...sameOrigin(base) };
    assert.equal((await postForm(base, '/wiki/Charter/protection', { protect: '1' }, asEditor)).status, 403);
    const on = await postForm(base, '/wiki/Charter/protection', { protect: '1' }, { cookie: cookie(admin), ...sameOrigin(base) });
    assert.equal(on.status, 303);
    const view = await request(`${base}/wiki/Charter/protection`, { headers: { cookie: cookie(editor) } });
    assert.match(view.text(), /This page is <strong>protected<\/strong>/);
    assert.match(view.text(), /Protected by <span class="who">adm<\/span>/);
    // Even creating it is for admins now.
    assert.equal((await postForm(base, '/wiki/Charter', { content: 'x\n', baseEtag: '' }, asEditor)).status, 403);
    assert.equal((await request(`${base}/wiki/Charter/edit`, { headers: { cookie: cookie(editor) } })).status, 403);
    assert.equal((await postForm(base, '/wiki/Charter/protection', { protect: '0' }, { cookie: cookie(admin), ...sameOrigin(base) })).status, 303);
    assert.equal((await postForm(base, '/wiki/Charter', { content: 'x\n', baseEtag: '' }, asEditor)).status, 303);
  });
});

describe('open mode beyond loopback', () => {
  it('is refused at start with a message saying what to do, unless --allow-open', async () => {
    await assert.rejects(startServer({ args: ['--host', '0.0.0.0'] }), (error: Error) => {
      assert.match(error.message, /exited with 2 before listening/);
      assert.match(error.message, /Refusing to serve in open mode on 0\.0\.0\.0/);
      assert.match(error.message, /--auth accounts/);
      return true;
    });
    // Accounts mode on any address is fine (here loopback, to stay on this machine), and warns that nobody can sign in yet.
    const server = await startServer({ args: ['--auth', 'accounts'] });
    try {
      assert.match(server.output(), /no users yet/);
    } finally {
      await stop(server);
    }
  });
});
