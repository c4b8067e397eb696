// Sessions and tokens over real HTTP: the cookie's attributes, a new id at every sign-in
// (session fixation), sign-out, idle and absolute expiry, revocation and account changes
// taking effect at the next request, in one process and across processes on PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { postgresTestOptions, postgresUrl, serverSchema } from './support/cluster.js';
import {
  addUser,
  bearer,
  cookie,
  createToken,
  newTokenCookieOf,
  passwordOf,
  postForm,
  runAdmin,
  sameOrigin,
  sessionCookieOf,
  setCookieLine,
  shownToken,
  signIn,
} from './support/accounts.js';
import { type HttpResponse, putPage, request } from './support/http.js';
import { TestSchemas } from './support/postgres.js';
import { type RunningServer, removeDir, startServer, tempDir } from './support/server.js';

function account(base: string, session: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
  return request(`${base}/account`, { headers: { cookie: cookie(session), ...headers } });
}

/**
 * "Create token" is POST-redirect-GET: the 303's GET shows the token once, a reload shows the
 * list without it and makes no second token, and another user never sees it. `postBase` and
 * `getBase` may be two processes: the new token crosses the redirect in a cookie.
 */
async function createTokenOnce(postBase: string, getBase: string, session: string, otherSession: string): Promise<void> {
  const label = `reload ${Math.random().toString(36).slice(2, 8)}`;
  const created = await postForm(postBase, '/account/tokens', { label }, { cookie: cookie(session), ...sameOrigin(postBase) });
  assert.equal(created.status, 303);
  assert.equal(created.headers.location, '/account');
  assert.equal(shownToken(created), undefined, 'the POST answer itself shows nothing to reload');
  const line = ([] as string[]).concat(created.headers['set-cookie'] ?? []).find((c) => c.startsWith('midair_new_token='))!;
  assert.match(line, /; Path=\/account/);
  assert.match(line, /; HttpOnly/i);
  assert.match(line, /; SameSite=Strict/i);
  assert.match(line, /; Max-Age=300/);
  const carried = newTokenCookieOf(created)!;

  // Another user's session with this browser's cookie (a sign-out in between) sees no token.
  const stranger = await account(getBase, otherSession, { cookie: `${cookie(otherSession)}; ${carried}` });
  assert.equal(shownToken(stranger), undefined);

  const shown = await account(getBase, session, { cookie: `${cookie(session)}; ${carried}` });
  assert.equal(shown.status, 200);
  const token = shownToken(shown)!;
  assert.ok(token, 'the page the redirect leads to shows the new token');
  assert.match(shown.text(), new RegExp(label));
  assert.ok(([] as string[]).concat(shown.headers['set-cookie'] ?? []).some((c) => /^midair_new_token=;.*Max-Age=0/.test(c)), 'and forgets it');

  // The reload: the browser no longer has the cookie; the page lists the token once, without its value.
  const reloaded = await account(getBase, session);
  assert.equal(reloaded.status, 200);
  assert.equal(shownToken(reloaded), undefined);
  assert.equal([...reloaded.text().matchAll(new RegExp(`Revoke the token ${label}"`, 'g'))].length, 1, 'one token, not two');
  const used = await putPage(postBase, `Made by ${label}`, 'x\n', { 'if-none-match': '*', ...bearer(token) });
  assert.equal(used.status, 201, 'the token shown works');
}

async function startWithUsers(args: string[], users: [string, 'reader' | 'editor' | 'admin'][], env: Record<string, string> = {}): Promise<RunningServer> {
  const dataDir = tempDir();
  await Promise.all(users.map(([name, role]) => addUser({ dataDir, ...(env['DATABASE_URL'] ? { databaseUrl: env['DATABASE_URL'] } : {}) }, name, role)));
  return startServer({ dataDir, args, env });
}

describe('browser sessions', () => {
  let server: RunningServer;
  let base: string;
  before(async () => {
    server = await startWithUsers(['--auth', 'accounts'], [
      ['ana', 'editor'],
      ['bo', 'editor'],
      ['cy', 'editor'],
      ['di', 'admin'],
    ]);
    base = server.url;
  });
  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  it('signing in sets an HttpOnly, SameSite=Lax cookie for the whole site and redirects (303) to the page asked for', async () => {
    const res = await postForm(base, '/login', { username: 'ANA', password: passwordOf('ana'), next: '/wiki/Some%20Page' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/wiki/Some%20Page');
    const line = setCookieLine(res)!;
    assert.match(line, /^midair_session=[A-Za-z0-9_-]{43};/);
    assert.match(line, /; HttpOnly/i);
    assert.match(line, /; SameSite=Lax/i);
    assert.match(line, /; Path=\//);
    assert.match(line, /; Max-Age=604800/);
    assert.doesNotMatch(line, /; Secure/i, 'plain HTTP: no Secure flag, or the browser would drop the cookie');
    assert.equal((await account(base, sessionCookieOf(res)!)).status, 200);
  });

  it('the next page is only ever a path on this site', async () => {
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      const res = await postForm(base, '/login', { username: 'ana', password: passwordOf('ana'), next });
      assert.equal(res.headers.location, '/', next);
    }
    const unicode = await postForm(base, '/login', { username: 'ana', password: passwordOf('ana'), next: '/wiki/Caf\u00e9 \u2713' });
    assert.equal(unicode.headers.location, '/wiki/Caf%C3%A9%20%E2%9C%93', 'a page name in the next path is percent-encoded');
  });

  it('a wrong password and an unknown name get the same 401, with no cookie', async () => {
    const wrong = await postForm(base, '/login', { username: 'ana', password: 'not it at all' });
    const unknown = await postForm(base, '/login', { username: 'nobody', password: 'not it at all' });
    for (const res of [wrong, unknown]) {
      assert.equal(res.status, 401);
      assert.equal(sessionCookieOf(res), undefined);
      assert.equal(res.json()['detail'], 'Wrong user name or password.');
    }
    const page = await postForm(base, '/login', { username: 'ana', password: 'nope nope' }, { accept: 'text/html' });
    assert.equal(page.status, 401);
    assert.match(page.text(), /Wrong user name or password/);
    assert.doesNotMatch(page.text(), /nope nope/, 'the password is not echoed back');
  });

  it('session fixation: an id planted before sign-in is never the signed-in one', async () => {
    // An id the attacker made up, in the victim's browser.
    const planted = 'A'.repeat(43);
    const res = await postForm(base, '/login', { username: 'bo', password: passwordOf('bo') }, { cookie: cookie(planted), ...sameOrigin(base) });
    const issued = sessionCookieOf(res)!;
    assert.notEqual(issued, planted);
    assert.equal((await account(base, planted)).status, 401);
    assert.equal((await account(base, issued)).status, 200);

    // The attacker's own valid session, planted: signing in as the victim replaces and ends it.
    const attackers = await signIn(base, 'cy');
    const victim = await postForm(base, '/login', { username: 'bo', password: passwordOf('bo') }, { cookie: cookie(attackers), ...sameOrigin(base) });
    assert.equal(victim.status, 303);
    const victims = sessionCookieOf(victim)!;
    assert.notEqual(victims, attackers);
    assert.equal((await account(base, attackers)).status, 401, 'the planted session no longer exists');
    const page = await account(base, victims);
    assert.match(page.text(), /<h1>bo /);
  });

  it('signing out ends the session on the server and clears the cookie', async () => {
    const session = await signIn(base, 'ana');
    const out = await postForm(base, '/logout', {}, { cookie: cookie(session), ...sameOrigin(base) });
    assert.equal(out.status, 303);
    assert.match(setCookieLine(out)!, /^midair_session=;.*Max-Age=0/);
    // Replaying the old cookie (a copy taken before sign-out) gets nothing.
    const replay = await account(base, session);
    assert.equal(replay.status, 401);
    assert.match(setCookieLine(replay)!, /Max-Age=0/, 'an unknown session cookie is cleared');
  });

  it('an API token works at once and stops working at once when revoked on the account page', async () => {
    const session = await signIn(base, 'ana');
    const token = await createToken(base, session, 'deploy script');
    const created = await putPage(base, 'Token Page', 'by token\n', { 'if-none-match': '*', ...bearer(token) });
    assert.equal(created.status, 201);
    const page = await account(base, session);
    assert.match(page.text(), /deploy script/);
    assert.doesNotMatch(page.text(), new RegExp(token), 'the account page never shows a token again');
    const id = /action="\/account\/tokens\/(\d+)\/revoke"/.exec(page.text())![1]!;
    const revoked = await postForm(base, `/account/tokens/${id}/revoke`, {}, { cookie: cookie(session), ...sameOrigin(base) });
    assert.equal(revoked.status, 303);
    const after = await putPage(base, 'Token Page', 'again\n', { 'if-match': created.headers.etag!, ...bearer(token) });
    assert.equal(after.status, 401);
    assert.match(String(after.headers['www-authenticate']), /error="invalid_token"/);
    // Reads are open in accounts mode, but a revoked token is refused even there.
    assert.equal((await request(`${base}/api/pages/Token%20Page`, { headers: bearer(token) })).status, 401);
  });

  it('"Create token" redirects (303) and shows the new token once: a reload makes no second one', async () => {
    await createTokenOnce(base, base, await signIn(base, 'ana'), await signIn(base, 'bo'));
  });

  it('a token cannot make or revoke tokens, nor change the password', async () => {
    const token = await createToken(base, await signIn(base, 'ana'), 'limited');
    const res = await postForm(base, '/account/tokens', { label: 'more' }, bearer(token));
    assert.equal(res.status, 403);
  });

  it('every revision records its author: the API, the history and the diff show the user', async () => {
    const session = await signIn(base, 'di');
    const token = await createToken(base, session, 'author test');
    const first = await putPage(base, 'Authored', 'one\n', { 'if-none-match': '*', ...bearer(token) });
    // And the same user's form post, from the browser.
    const form = await postForm(base, '/wiki/Authored', { content: 'two\n', baseEtag: first.headers.etag!, summary: 'from the form' }, { cookie: cookie(session), ...sameOrigin(base) });
    assert.equal(form.status, 303);
    const revisions = (await request(`${base}/api/pages/Authored/revisions`)).json<{ revisions: { author: string }[] }>().revisions;
    assert.deepEqual(
      revisions.map((r) => r.author),
      ['di', 'di'],
    );
    assert.match((await request(`${base}/wiki/Authored/history`)).text(), /<td class="who">di<\/td>/);
    assert.match((await request(`${base}/wiki/Authored/diff?from=1&to=2`)).text(), /<span class="who">di<\/span>/);
  });

  it('disabling a user, or changing their role, takes effect at their next request', async () => {
    await addUser({ dataDir: server.dataDir }, 'eve', 'editor');
    const session = await signIn(base, 'eve');
    const token = await createToken(base, session, 'eve');
    const created = await putPage(base, 'Eve Page', 'x\n', { 'if-none-match': '*', ...bearer(token) });
    assert.equal(created.status, 201);

    assert.equal((await runAdmin({ dataDir: server.dataDir }, ['user', 'role', 'eve', 'reader'])).code, 0);
    assert.equal((await putPage(base, 'Eve Page', 'y\n', { 'if-match': created.headers.etag!, ...bearer(token) })).status, 403);

    assert.equal((await runAdmin({ dataDir: server.dataDir }, ['user', 'disable', 'eve'])).code, 0);
    assert.equal((await account(base, session)).status, 401, 'the session ended');
    assert.equal((await request(`${base}/api/pages`, { headers: bearer(token) })).status, 401, 'the token is refused');
    const signInAgain = await postForm(base, '/login', { username: 'eve', password: passwordOf('eve') });
    assert.equal(signInAgain.status, 401);

    assert.equal((await runAdmin({ dataDir: server.dataDir }, ['user', 'enable', 'eve'])).code, 0);
    assert.equal((await request(`${base}/api/pages`, { headers: bearer(token) })).status, 200, 'the token works again');
  });

  it('changing the password ends the other sessions and gives this one a new id', async () => {
    await addUser({ dataDir: server.dataDir }, 'fay', 'editor');
    const laptop = await signIn(base, 'fay');
    const phone = await signIn(base, 'fay');
    const res = await postForm(
      base,
      '/account/password',
      { current: passwordOf('fay'), password: 'a brand new password', confirm: 'a brand new password' },
      { cookie: cookie(laptop), ...sameOrigin(base) },
    );
    assert.equal(res.status, 200);
    const rotated = sessionCookieOf(res)!;
    assert.ok(rotated && rotated !== laptop);
    assert.equal((await account(base, phone)).status, 401);
    assert.equal((await account(base, laptop)).status, 401);
    assert.equal((await account(base, rotated)).status, 200);
    assert.equal((await postForm(base, '/login', { username: 'fay', password: passwordOf('fay') })).status, 401);
    assert.equal((await postForm(base, '/login', { username: 'fay', password: 'a brand new password' })).status, 303);
  });
});

describe('session expiry', () => {
  let server: RunningServer;
  before(async () => {
    server = await startWithUsers(['--auth', 'private', '--session-idle-timeout', '1500ms', '--session-max-age', '4s'], [['gil', 'reader']]);
  });
  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  it('a session unused for the idle timeout is over', async () => {
    const session = await signIn(server.url, 'gil');
    assert.equal((await account(server.url, session)).status, 200);
    await sleep(2000);
    const res = await account(server.url, session);
    assert.equal(res.status, 401);
    assert.match(setCookieLine(res)!, /Max-Age=0/);
  });

  it('a session in use is over at its maximum age all the same', async () => {
    const session = await signIn(server.url, 'gil');
    const started = Date.now();
    // Used every 600 ms, so never idle for long.
    while (Date.now() - started < 3500) {
      assert.equal((await account(server.url, session)).status, 200, `still valid after ${Date.now() - started} ms`);
      await sleep(600);
    }
    await sleep(Math.max(0, 4300 - (Date.now() - started)));
    assert.equal((await account(server.url, session)).status, 401);
  });
});

describe('behind an HTTPS proxy', () => {
  let trusting: RunningServer;
  let plain: RunningServer;
  before(async () => {
    [trusting, plain] = await Promise.all([
      // The forwarded host is a public name: PUBLIC_URL says it is ours (else 421, test/hosts.test.ts).
      startWithUsers(['--auth', 'accounts', '--trust-proxy', '127.0.0.1', '--public-url', 'https://wiki.example.org'], [['hal', 'editor']]),
      startWithUsers(['--auth', 'accounts'], [['hal', 'editor']]),
    ]);
  });
  after(async () => {
    for (const server of [trusting, plain]) {
      await server.stop();
      removeDir(server.dataDir);
    }
  });

  it('with TRUST_PROXY the cookie is Secure and the HTTPS origin is our own; without it, X-Forwarded-Proto is ignored', async () => {
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'wiki.example.org' };
    const secure = await postForm(trusting.url, '/login', { username: 'hal', password: passwordOf('hal') }, forwarded);
    assert.match(setCookieLine(secure)!, /; Secure/i);
    const session = sessionCookieOf(secure)!;
    const edit = await putPage(trusting.url, 'Proxied', 'x\n', { 'if-none-match': '*', cookie: cookie(session), origin: 'https://wiki.example.org', ...forwarded });
    assert.equal(edit.status, 201);

    const insecure = await postForm(plain.url, '/login', { username: 'hal', password: passwordOf('hal') }, forwarded);
    assert.doesNotMatch(setCookieLine(insecure)!, /; Secure/i);
    const refused = await putPage(plain.url, 'Proxied', 'x\n', { 'if-none-match': '*', cookie: cookie(sessionCookieOf(insecure)!), origin: 'https://wiki.example.org', ...forwarded });
    assert.equal(refused.status, 403);
    assert.match(refused.json()['detail'] as string, /TRUST_PROXY/);
  });
});

describe('accounts shared by processes on PostgreSQL', postgresTestOptions(), () => {
  const schemas = new TestSchemas(postgresUrl);
  after(async () => schemas.close());

  it('users made by the admin tool sign in on every process, and revocation is seen by all at once', async () => {
    const databaseUrl = await serverSchema(schemas);
    const dataDir = tempDir();
    await addUser({ dataDir, databaseUrl }, 'ida', 'editor');
    await addUser({ dataDir, databaseUrl }, 'jo', 'editor');
    const [one, two] = await Promise.all([
      startServer({ args: ['--auth', 'accounts'], env: { DATABASE_URL: databaseUrl } }),
      startServer({ args: ['--auth', 'accounts'], env: { DATABASE_URL: databaseUrl } }),
    ]);
    try {
      const session = await signIn(one.url, 'ida');
      assert.equal((await account(two.url, session)).status, 200, 'the session is known to the other process');
      await createTokenOnce(one.url, two.url, session, await signIn(two.url, 'jo'));
      const token = await createToken(two.url, session, 'shared');
      const created = await putPage(one.url, 'Shared', 'x\n', { 'if-none-match': '*', ...bearer(token) });
      assert.equal(created.status, 201);
      assert.equal((await runAdmin({ dataDir, databaseUrl }, ['token', 'revoke', 'ida', '--all'])).code, 0);
      for (const server of [one, two]) {
        const res = await putPage(server.url, 'Shared', 'y\n', { 'if-match': created.headers.etag!, ...bearer(token) });
        assert.equal(res.status, 401, server.url);
      }
      await postForm(two.url, '/logout', {}, { cookie: cookie(session), ...sameOrigin(two.url) });
      assert.equal((await account(one.url, session)).status, 401, 'signed out everywhere');
      const revisions = (await request(`${one.url}/api/pages/Shared/revisions`)).json<{ revisions: { author: string }[] }>().revisions;
      assert.equal(revisions[0]!.author, 'ida');
    } finally {
      await Promise.all([one.stop(), two.stop()]);
      removeDir(one.dataDir);
      removeDir(two.dataDir);
      removeDir(dataDir);
    }
  });

  it('a page the admin tool protects is refused to editors on every process at once; admins still write', async () => {
    const databaseUrl = await serverSchema(schemas);
    const dataDir = tempDir();
    await addUser({ dataDir, databaseUrl }, 'eda', 'editor');
    await addUser({ dataDir, databaseUrl }, 'ada', 'admin');
    const [one, two] = await Promise.all([
      startServer({ args: ['--auth', 'accounts'], env: { DATABASE_URL: databaseUrl } }),
      startServer({ args: ['--auth', 'accounts'], env: { DATABASE_URL: databaseUrl } }),
    ]);
    try {
      const editor = await createToken(one.url, await signIn(one.url, 'eda'), 'editor');
      const admin = await createToken(two.url, await signIn(two.url, 'ada'), 'admin');
      let etag = (await putPage(one.url, 'Rules', 'one\n', { 'if-none-match': '*', ...bearer(editor) })).headers.etag!;
      // Each process has answered a write to the page, so each holds the names of protected pages in memory.
      etag = (await putPage(two.url, 'Rules', 'two\n', { 'if-match': etag, ...bearer(editor) })).headers.etag!;
      assert.equal((await runAdmin({ dataDir, databaseUrl }, ['page', 'protect', 'Rules'])).code, 0);
      // At once, before any notification need have arrived: the write statement checks protection itself.
      for (const server of [one, two]) {
        const refused = await putPage(server.url, 'Rules', 'editor\n', { 'if-match': etag, ...bearer(editor) });
        assert.equal(refused.status, 403, server.url);
        assert.equal(refused.json()['code'], 'page-protected');
      }
      const byAdmin = await putPage(one.url, 'Rules', 'admin\n', { 'if-match': etag, ...bearer(admin) });
      assert.equal(byAdmin.status, 200);
      assert.equal((await runAdmin({ dataDir, databaseUrl }, ['page', 'unprotect', 'Rules'])).code, 0);
      // Unprotecting is heard by notification: the process lets the editor in within moments.
      const deadline = Date.now() + 5000;
      let again = await putPage(two.url, 'Rules', 'editor again\n', { 'if-match': byAdmin.headers.etag!, ...bearer(editor) });
      while (again.status === 403 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        again = await putPage(two.url, 'Rules', 'editor again\n', { 'if-match': byAdmin.headers.etag!, ...bearer(editor) });
      }
      assert.equal(again.status, 200);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
      removeDir(one.dataDir);
      removeDir(two.dataDir);
      removeDir(dataDir);
    }
  });
});
