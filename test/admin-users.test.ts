// /admin/users over real HTTP against a real server process, on SQLite and PostgreSQL: admins
// manage accounts in the browser under the admin tool's rules (never without an enabled admin),
// every form is a same-origin POST answered 303 to the list, problems are 4xx pages that change
// nothing, and each change is in the server's log as who did what to whom.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeEntities, form, visibleText } from './e2e/html.js';
import { postgresTestOptions, postgresUrl, serverSchema } from './support/cluster.js';
import { addUser, bearer, cookie, createToken, passwordOf, postForm, runAdmin, sameOrigin, signIn, type StoreTarget } from './support/accounts.js';
import { putPage, request } from './support/http.js';
import { TestSchemas } from './support/postgres.js';
import { type RunningServer, removeDir, startServer, tempDir } from './support/server.js';

interface Setup {
  readonly server: RunningServer;
  readonly target: StoreTarget;
}

/** The notice the list shows after a form's redirect, and any generated password in it. */
function noticeOf(page: string): { text: string; password: string | undefined } {
  const block = /<div class="notice success" role="status">([\s\S]*?)<\/div>/.exec(page)?.[1] ?? '';
  const password = /<input class="token-value" readonly value="([^"]*)"/.exec(block)?.[1];
  return { text: visibleText(block), password: password === undefined ? undefined : decodeEntities(password) };
}

/** The audit entries the server logged (pino JSON lines at info). */
function auditLog(server: RunningServer): Record<string, unknown>[] {
  return server
    .output()
    .split('\n')
    .filter((line) => line.includes('"audit"'))
    .map((line) => (JSON.parse(line) as { audit: Record<string, unknown> }).audit);
}

function adminCases(setUp: () => Promise<Setup>): void {
  let server: RunningServer;
  let target: StoreTarget;
  let base: string;
  let boss: string;

  before(async () => {
    ({ server, target } = await setUp());
    base = server.url;
    await Promise.all([addUser(target, 'boss', 'admin'), addUser(target, 'ed', 'editor'), addUser(target, 'rita', 'reader')]);
    boss = await signIn(base, 'boss');
  });
  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  const asBoss = () => ({ cookie: cookie(boss), ...sameOrigin(base) });
  const list = (session = boss) => request(`${base}/admin/users`, { headers: { cookie: cookie(session) } });
  /** Posts an admin form; follows the 303 to the list, as a browser would. */
  async function act(path: string, fields: Record<string, string>): Promise<{ status: number; location: string | undefined; page: string }> {
    const res = await postForm(base, path, fields, asBoss());
    const location = res.headers.location;
    if (res.status !== 303 || location === undefined) return { status: res.status, location, page: res.text() };
    assert.match(location, /^\/admin\/users\?notice=[A-Za-z0-9_-]+$/);
    assert.equal(res.headers['cache-control'], 'no-store');
    return { status: 303, location, page: (await request(`${base}${location}`, { headers: { cookie: cookie(boss) } })).text() };
  }

  it('lists every user with role, state and tokens to admins only', async () => {
    const session = await signIn(base, 'ed');
    await createToken(base, session, 'ed script');
    const res = await list();
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    const text = visibleText(res.text());
    assert.match(text, /ed editor 1 API token · added/);
    assert.match(text, /rita reader 0 API tokens/);
    assert.match(text, /boss \(you\) admin/);
    assert.match(res.text(), /<a href="\/admin\/users" class="admin">Users<\/a>/, 'the header links admins here');
    assert.equal((await list(session)).status, 403, 'an editor');
    assert.doesNotMatch((await request(`${base}/`, { headers: { cookie: cookie(session) } })).text(), /href="\/admin\/users"/, 'no link for an editor');
    assert.equal((await request(`${base}/admin/users`)).status, 401, 'anonymous');
  });

  it('adds a user with a typed password, or a generated one shown once after the redirect', async () => {
    const typed = await act('/admin/users', { name: ' Carol ', role: 'reader', password: 'carol typed this' });
    assert.equal(typed.status, 303);
    assert.match(noticeOf(typed.page).text, /Added carol \(reader\)\./);
    assert.equal(noticeOf(typed.page).password, undefined);
    await signIn(base, 'carol', 'carol typed this');

    const generated = await act('/admin/users', { name: 'dave', role: 'editor', password: '' });
    const password = noticeOf(generated.page).password;
    assert.ok(password && password.length >= 16, generated.page.slice(0, 400));
    const dave = await signIn(base, 'dave', password);
    assert.equal((await putPage(base, 'By Dave', 'x', { 'if-none-match': '*', cookie: cookie(dave), ...sameOrigin(base) })).status, 201, 'dave is an editor');
    // A reload of the list (the same URL) shows the password no more.
    const again = await request(`${base}${generated.location}`, { headers: { cookie: cookie(boss) } });
    assert.doesNotMatch(again.text(), new RegExp(password));
    assert.match(visibleText(again.text()), /shown once already/);
    assert.ok(!server.output().includes(password), 'the generated password is never logged');
  });

  it('changes a role, disables and enables, resets a password, signs out everywhere: each at the user’s next request', async () => {
    await addUser(target, 'eve', 'editor');
    let eve = await signIn(base, 'eve');
    const write = (session: string, name: string) => putPage(base, name, 'x', { 'if-none-match': '*', cookie: cookie(session), ...sameOrigin(base) });
    assert.equal((await write(eve, 'Eve 1')).status, 201);

    assert.match(noticeOf((await act('/admin/users/eve/role', { role: 'reader' })).page).text, /eve is now reader\./);
    assert.equal((await write(eve, 'Eve 2')).status, 403);
    await act('/admin/users/eve/role', { role: 'editor' });
    assert.equal((await write(eve, 'Eve 3')).status, 201);

    const token = await createToken(base, eve, 'eve script');
    assert.match(noticeOf((await act('/admin/users/eve/disable', {})).page).text, /Disabled eve; ended 1 session\(s\)/);
    assert.equal((await request(`${base}/account`, { headers: { cookie: cookie(eve) } })).status, 401, 'the session ended');
    assert.equal((await request(`${base}/api/pages`, { headers: bearer(token) })).status, 401, 'the token is refused while disabled');
    assert.equal((await postForm(base, '/login', { username: 'eve', password: passwordOf('eve') })).status, 401);
    assert.match(visibleText((await list()).text()), /eve editor disabled/);
    await act('/admin/users/eve/enable', {});
    assert.equal((await request(`${base}/api/pages`, { headers: bearer(token) })).status, 200, 'enabled again, the token works');
    eve = await signIn(base, 'eve');

    const reset = await act('/admin/users/eve/password', { password: 'eve has a new one' });
    assert.match(noticeOf(reset.page).text, /Set a new password for eve; ended 1 session\(s\) and revoked 1 API token\(s\)\./);
    assert.equal((await request(`${base}/account`, { headers: { cookie: cookie(eve) } })).status, 401);
    assert.equal((await request(`${base}/api/pages`, { headers: bearer(token) })).status, 401);
    assert.equal((await postForm(base, '/login', { username: 'eve', password: passwordOf('eve') })).status, 401);
    eve = await signIn(base, 'eve', 'eve has a new one');

    const second = await createToken(base, eve, 'again');
    const signedOut = await act('/admin/users/eve/sign-out', { revokeTokens: '1' });
    assert.match(noticeOf(signedOut.page).text, /Ended 1 session\(s\) of eve and revoked 1 API token\(s\)\./);
    assert.equal((await request(`${base}/account`, { headers: { cookie: cookie(eve) } })).status, 401);
    assert.equal((await request(`${base}/api/pages`, { headers: bearer(second) })).status, 401);
    eve = await signIn(base, 'eve', 'eve has a new one');
    const kept = await createToken(base, eve, 'kept');
    await act('/admin/users/eve/sign-out', {});
    assert.equal((await request(`${base}/api/pages`, { headers: bearer(kept) })).status, 200, 'tokens stay unless asked');
  });

  it('never leaves the wiki without an enabled admin; bad input is a 4xx page that changes nothing', async () => {
    const before = (await runAdmin(target, ['user', 'list'])).stdout;
    const cases: [string, Record<string, string> | string, number, RegExp][] = [
      ['/admin/users/boss/role', { role: 'editor' }, 409, /no enabled admin/],
      ['/admin/users/boss/disable', {}, 409, /no enabled admin/],
      ['/admin/users/nobody/role', { role: 'editor' }, 404, /no user named "nobody"/],
      ['/admin/users/nobody/password', { password: '' }, 404, /no user named "nobody"/],
      ['/admin/users/ed/role', { role: 'owner' }, 400, /role must be one of reader, editor, admin/],
      ['/admin/users/ed/role', {}, 400, /no "role" field/],
      ['/admin/users/ed/role', 'role=reader&role=admin', 400, /sent more than once/],
      ['/admin/users/ed/password', { password: 'short' }, 400, /at least 8 characters/],
      ['/admin/users', { name: 'ed', role: 'editor', password: '' }, 409, /already a user named "ed"/],
      ['/admin/users', { name: 'no spaces', role: 'editor', password: '' }, 400, /not a valid user name/],
      ['/admin/users', { name: 'anonymous', role: 'editor', password: '' }, 400, /reserved/],
      ['/admin/users/Bad%20Name/enable', {}, 400, /not a valid user name/],
    ];
    for (const [path, fields, status, message] of cases) {
      const res = await request(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...asBoss() },
        body: typeof fields === 'string' ? fields : form(fields),
      });
      assert.equal(res.status, status, `${path} ${JSON.stringify(fields)}: ${res.text().slice(0, 200)}`);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(visibleText(res.text()), message, path);
      assert.match(visibleText(res.text()), /Nothing was changed/);
    }
    assert.equal((await runAdmin(target, ['user', 'list'])).stdout, before, 'no account changed');
    // With a second admin, the first may step down.
    await addUser(target, 'ann', 'admin');
    await act('/admin/users/boss/role', { role: 'editor' });
    const ann = await signIn(base, 'ann');
    const res = await postForm(base, '/admin/users/boss/role', { role: 'admin' }, { cookie: cookie(ann), ...sameOrigin(base) });
    assert.equal(res.status, 303);
    assert.match(visibleText((await list()).text()), /boss \(you\) admin/);
  });

  it('refuses a form from another site or with no origin (403), changing nothing', async () => {
    const foreign = await postForm(base, '/admin/users/rita/role', { role: 'admin' }, { cookie: cookie(boss), origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    assert.equal(foreign.status, 403);
    const unmarked = await postForm(base, '/admin/users/rita/role', { role: 'admin' }, { cookie: cookie(boss) });
    assert.equal(unmarked.status, 403);
    assert.match(visibleText((await list()).text()), /rita reader/);
  });

  it('logs every change for audit: who did what to whom, and never a password', async () => {
    const audit = auditLog(server);
    const summary = audit.map((a) => `${String(a['by'])} ${String(a['action'])} ${String(a['user'])}`);
    for (const expected of ['boss user.add carol', 'boss user.add dave', 'boss user.role eve', 'boss user.disable eve', 'boss user.enable eve', 'boss user.reset-password eve', 'boss user.sign-out eve', 'ann user.role boss']) {
      assert.ok(summary.includes(expected), `${expected} in ${summary.join('; ')}`);
    }
    assert.ok(audit.some((a) => a['action'] === 'user.add' && a['user'] === 'dave' && a['generatedPassword'] === true));
    assert.ok(!summary.some((s) => /rita/.test(s)), 'refused changes are not logged as done');
    assert.ok(!server.output().includes('eve has a new one') && !server.output().includes('carol typed this'));
  });
}

// Audit entries are written at info; the suites' servers otherwise log warnings only.
const INFO = { LOG_LEVEL: 'info' };

describe('/admin/users on SQLite', () => {
  adminCases(async () => {
    const dataDir = tempDir();
    const server = await startServer({ dataDir, args: ['--auth', 'accounts'], env: INFO });
    return { server, target: { dataDir } };
  });
});

describe('/admin/users on PostgreSQL', postgresTestOptions(), () => {
  const schemas = new TestSchemas(postgresUrl);
  after(async () => schemas.close());
  adminCases(async () => {
    const databaseUrl = await serverSchema(schemas);
    const server = await startServer({ args: ['--auth', 'accounts'], env: { ...INFO, DATABASE_URL: databaseUrl } });
    return { server, target: { dataDir: server.dataDir, databaseUrl } };
  });
});
