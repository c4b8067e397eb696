// The browser form routes over real HTTP take one URL-encoded form with each field once: a
// repeated field is a 400 (it once slipped past the per-account sign-in lockout), JSON and other
// media types a 415, and neither changes anything nor logs a server error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addUser, cookie, passwordOf, postForm, sameOrigin, sessionCookieOf, signIn } from './support/accounts.js';
import { getPage, type HttpResponse, request } from './support/http.js';
import { type RunningServer, removeDir, startServer, tempDir } from './support/server.js';

function post(base: string, path: string, body: string, contentType: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
  return request(`${base}${path}`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
}

const FORM = 'application/x-www-form-urlencoded';

describe('browser form fields', () => {
  let server: RunningServer;
  let base: string;
  let dan: string;
  let root: string;
  before(async () => {
    const dataDir = tempDir();
    for (const [name, role] of [['carol', 'editor'], ['dan', 'editor'], ['root', 'admin']] as const) await addUser({ dataDir }, name, role);
    // A long window: the lockout must still hold when the repeated fields arrive.
    server = await startServer({ dataDir, args: ['--auth', 'accounts', '--login-rate-limit', '3/10m'] });
    base = server.url;
    dan = await signIn(base, 'dan');
    root = await signIn(base, 'root');
  });
  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  it('a repeated user name does not get past the per-account lockout, whichever value comes first', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await postForm(base, '/login', { username: 'carol', password: 'wrong wrong' })).status, 401);
    assert.equal((await postForm(base, '/login', { username: 'carol', password: passwordOf('carol') })).status, 429, 'locked');
    const right = encodeURIComponent(passwordOf('carol'));
    for (const body of [`username=carol&username=zz&password=${right}`, `username=zz&username=carol&password=${right}`, `username=carol&username=carol&password=${right}`, `username=carol&password=${right}&password=x`]) {
      for (const accept of ['application/json', 'text/html']) {
        const res = await post(base, '/login', body, FORM, { accept });
        assert.equal(res.status, 400, `${body} (${accept})`);
        assert.equal(sessionCookieOf(res), undefined, 'no session');
        if (accept === 'text/html') assert.match(String(res.headers['content-type']), /^text\/html/);
        assert.match(res.text(), /sent more than once/);
      }
    }
    assert.equal((await postForm(base, '/login', { username: 'carol', password: passwordOf('carol') })).status, 429, 'still locked');
  });

  it('JSON and other media types on the sign-in form are a 415, arrays and objects included', async () => {
    const bodies = [
      JSON.stringify({ username: ['carol', 'zz'], password: passwordOf('carol') }),
      JSON.stringify({ username: { a: 1 }, password: 5 }),
      JSON.stringify({ username: 'dan', password: passwordOf('dan') }),
    ];
    for (const body of bodies) {
      for (const accept of ['application/json', 'text/html']) {
        const res = await post(base, '/login', body, 'application/json', { accept });
        assert.equal(res.status, 415, body);
        assert.equal(sessionCookieOf(res), undefined);
      }
    }
    assert.equal((await post(base, '/login', `username=dan&password=${passwordOf('dan')}`, 'text/plain')).status, 415);
  });

  it('the page save form: repeated fields are a 400, JSON a 415, and no page is made or changed', async () => {
    const auth = { cookie: cookie(dan), ...sameOrigin(base) };
    const cases: [string, string, number][] = [
      ['content=a&content=b&baseEtag=', FORM, 400],
      ['content=a&baseEtag=&baseEtag=', FORM, 400],
      [JSON.stringify({ content: 5, baseEtag: '' }), 'application/json', 415],
      [JSON.stringify({ content: ['a', 'b'], baseEtag: '' }), 'application/json', 415],
      [JSON.stringify({ content: { x: 1 }, baseEtag: [] }), 'application/json', 415],
      [JSON.stringify(['content']), 'application/json', 415],
      ['content=a&baseEtag=', 'text/plain', 415],
    ];
    for (const [body, type, status] of cases) {
      const res = await post(base, '/wiki/FormTarget', body, type, auth);
      assert.equal(res.status, status, body);
      assert.match(String(res.headers['content-type']), /^text\/html/, 'the wiki answers with a page');
    }
    assert.equal((await getPage(base, 'FormTarget')).status, 404, 'nothing was created');
    assert.equal((await post(base, '/wiki/FormTarget', 'content=made%0A&baseEtag=', FORM, auth)).status, 303, 'a proper form still saves');
    const etag = (await getPage(base, 'FormTarget')).headers.etag!;
    assert.equal((await post(base, '/wiki/FormTarget', `content=x&content=y&baseEtag=${encodeURIComponent(etag)}`, FORM, auth)).status, 400);
    assert.equal((await getPage(base, 'FormTarget')).text(), 'made\n', 'nothing changed');
  });

  it('the account and protection forms refuse repeated fields and JSON, and change nothing', async () => {
    const auth = { cookie: cookie(dan), ...sameOrigin(base) };
    const pw = encodeURIComponent(passwordOf('dan'));
    const password = await post(base, '/account/password', `current=${pw}&password=new-password-1&confirm=new-password-1&password=new-password-2`, FORM, auth);
    assert.equal(password.status, 400);
    const json = await post(base, '/account/password', JSON.stringify({ current: passwordOf('dan'), password: 'new-password-1', confirm: 'new-password-1' }), 'application/json', auth);
    assert.equal(json.status, 415);
    assert.equal((await postForm(base, '/login', { username: 'dan', password: passwordOf('dan') })).status, 303, 'the password is unchanged');

    assert.equal((await post(base, '/account/tokens', 'label=a&label=b', FORM, auth)).status, 400);
    assert.equal((await post(base, '/account/tokens', JSON.stringify({ label: ['a'] }), 'application/json', auth)).status, 415);
    assert.doesNotMatch((await request(`${base}/account`, { headers: { cookie: cookie(dan) } })).text(), /<td[^>]*>a<\/td>/, 'no token made');

    const admin = { cookie: cookie(root), ...sameOrigin(base) };
    assert.equal((await post(base, '/wiki/FormTarget/protection', 'protect=1&protect=0', FORM, admin)).status, 400);
    assert.equal((await post(base, '/wiki/FormTarget/protection', JSON.stringify({ protect: '1' }), 'application/json', admin)).status, 415);
    assert.match((await request(`${base}/wiki/FormTarget/protection`)).text(), /not protected/i, 'still unprotected');
  });

  it('none of it logged a server error', () => {
    assert.doesNotMatch(server.output(), /"level":50/);
  });
});
