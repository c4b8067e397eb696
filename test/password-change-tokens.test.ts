// A password change over real HTTP offers to revoke the user's API tokens (the box is ticked by
// default); an admin's `user reset-password` always revokes them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inputValue } from './e2e/html.js';
import { addUser, bearer, cookie, createToken, passwordOf, postForm, runAdmin, sameOrigin, signIn } from './support/accounts.js';
import { getPage, request } from './support/http.js';
import { type RunningServer, removeDir, startServer, tempDir } from './support/server.js';

describe('API tokens on a password change', () => {
  let server: RunningServer;
  let base: string;
  before(async () => {
    const dataDir = tempDir();
    for (const name of ['pia', 'quin', 'rex']) await addUser({ dataDir }, name, 'editor');
    server = await startServer({ dataDir, args: ['--auth', 'private'] });
    base = server.url;
  });
  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  async function tokenWorks(token: string): Promise<boolean> {
    const res = await getPage(base, 'Nothing', bearer(token));
    if (res.status === 401) assert.match(String(res.headers['www-authenticate']), /error="invalid_token"/);
    return res.status !== 401;
  }

  function changePassword(name: string, session: string, password: string, extra: Record<string, string>) {
    return postForm(base, '/account/password', { current: passwordOf(name), password, confirm: password, ...extra }, { cookie: cookie(session), ...sameOrigin(base) });
  }

  it('the account page offers the box, ticked', async () => {
    const page = (await request(`${base}/account`, { headers: { cookie: cookie(await signIn(base, 'rex')) } })).text();
    assert.match(page, /<input id="revoke-tokens" name="revokeTokens" type="checkbox" value="1" checked>/);
    assert.equal(inputValue(page, 'revokeTokens'), '1');
  });

  it('with the box ticked, every token of the user is refused with 401 invalid_token afterwards', async () => {
    const session = await signIn(base, 'pia');
    const tokens = [await createToken(base, session, 'one'), await createToken(base, session, 'two')];
    const other = await createToken(base, await signIn(base, 'quin'), 'quin');
    for (const token of tokens) assert.equal(await tokenWorks(token), true);
    const res = await changePassword('pia', session, 'pia-new-password', { revokeTokens: '1' });
    assert.equal(res.status, 200);
    assert.match(res.text(), /Your 2 API tokens are revoked/);
    for (const token of tokens) assert.equal(await tokenWorks(token), false);
    assert.equal(await tokenWorks(other), true, "another user's token is untouched");
    assert.doesNotMatch(res.text(), /<table class="tokens">/, 'the page lists none');
  });

  it('with the box unticked (no field sent), the tokens keep working', async () => {
    const session = await signIn(base, 'quin');
    const token = await createToken(base, session, 'kept');
    const res = await changePassword('quin', session, 'quin-new-password', {});
    assert.equal(res.status, 200);
    assert.doesNotMatch(res.text(), /revoked/);
    assert.equal(await tokenWorks(token), true);
  });

  it("an admin's reset-password revokes the user's tokens and says so", async () => {
    const session = await signIn(base, 'rex');
    const token = await createToken(base, session, 'cli');
    const run = await runAdmin({ dataDir: server.dataDir }, ['user', 'reset-password', 'rex'], 'a reset password for rex\n');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /ended \d+ session\(s\) and revoked 1 API token\(s\)/);
    assert.equal(await tokenWorks(token), false);
    const list = await runAdmin({ dataDir: server.dataDir }, ['token', 'list', 'rex']);
    assert.match(list.stdout, /rex has no API tokens/);
  });
});
