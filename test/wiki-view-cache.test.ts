// A page view seen before is answered from what this process already knows (its HTML, which
// of its links exist), with no query; over real HTTP against real server processes, these
// check that the view still changes whenever what it shows changes: a linked page created or
// deleted (by this process or by another sharing the file), a viewer signing in or out.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addUser, bearer, cookie, createToken, postForm, sameOrigin, signIn } from './support/accounts.js';
import { createPage, putPage, request } from './support/http.js';
import { type RunningServer, removeDir, startServer, tempDir } from './support/server.js';

const LINK_TO_LATER = /<a class="wikilink" href="\/wiki\/Later">/;
const MISSING_LATER = /<a class="wikilink missing" href="\/wiki\/Later\/edit"/;
const ACCOUNT_LINK = /<a href="\/account"[^>]*>ana<\/a>/;
const SIGN_IN_LINK = /<a href="\/login">Sign in<\/a>/;

function view(base: string, name: string, headers: Record<string, string> = {}) {
  return request(`${base}/wiki/${encodeURIComponent(name)}`, { headers });
}

describe('a cached page view, one process', () => {
  let server: RunningServer;
  let base: string;
  let token: Record<string, string>;
  // Writes need an account here (--auth accounts); reading does not.
  const put = (name: string, content: string, precondition: Record<string, string>) => putPage(base, name, content, { ...precondition, ...token });
  const remove = (name: string, etag: string) => request(`${base}/api/pages/${name}`, { method: 'DELETE', headers: { 'if-match': etag, ...token } });
  const created = async (name: string, content: string) => String((await put(name, content, { 'if-none-match': '*' })).headers.etag);
  before(async () => {
    const dataDir = tempDir();
    await addUser({ dataDir }, 'ana', 'editor');
    server = await startServer({ dataDir, args: ['--auth', 'accounts'] });
    base = server.url;
    token = bearer(await createToken(base, await signIn(base, 'ana')));
    await created('Early', 'Read [[Later]] when it exists.\n');
  });
  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  it('a linked page created after the view was cached makes the link un-red on the next view: 200, not 304', async () => {
    const first = await view(base, 'Early');
    assert.match(first.text(), MISSING_LATER);
    const etag = String(first.headers.etag);
    // Cached now: a reload is a 304.
    assert.equal((await view(base, 'Early', { 'if-none-match': etag })).status, 304);
    assert.equal((await view(base, 'Early', { 'if-none-match': etag })).status, 304);

    const laterTag = await created('Later', 'Here now.\n');
    const linked = await view(base, 'Early', { 'if-none-match': etag });
    assert.equal(linked.status, 200, 'the link changed from missing to existing');
    assert.notEqual(linked.headers.etag, etag);
    assert.match(linked.text(), LINK_TO_LATER);
    // …and that view is cached in turn.
    assert.equal((await view(base, 'Early', { 'if-none-match': String(linked.headers.etag) })).status, 304);

    // Editing the linked page keeps it existing: the view may stay as it is.
    const edited = await put('Later', 'Still here.\n', { 'if-match': laterTag });
    assert.equal(edited.status, 200);
    const still = await view(base, 'Early');
    assert.match(still.text(), LINK_TO_LATER);

    // Deleting it makes the link red again, with the first view's bytes and tag.
    const deleted = await remove('Later', String(edited.headers.etag));
    assert.equal(deleted.status, 204);
    const unlinked = await view(base, 'Early', { 'if-none-match': String(linked.headers.etag) });
    assert.equal(unlinked.status, 200, 'the link changed from existing to missing');
    assert.match(unlinked.text(), MISSING_LATER);
    assert.equal(unlinked.headers.etag, etag);
  });

  it('a new revision of the page itself is a 200 with the new text', async () => {
    const before = await view(base, 'Early');
    const current = await request(`${base}/api/pages/Early`);
    assert.equal((await put('Early', 'Rewritten.\n', { 'if-match': String(current.headers.etag) })).status, 200);
    const after = await view(base, 'Early', { 'if-none-match': String(before.headers.etag) });
    assert.equal(after.status, 200);
    assert.match(after.text(), /Rewritten\./);
  });

  it('signing in and out changes the page the same browser revalidates', async () => {
    const anonymous = await view(base, 'Early');
    const anonymousTag = String(anonymous.headers.etag);
    assert.match(anonymous.text(), SIGN_IN_LINK);
    assert.equal((await view(base, 'Early', { 'if-none-match': anonymousTag })).status, 304);

    const session = await signIn(base, 'ana');
    const signedIn = await view(base, 'Early', { cookie: cookie(session), 'if-none-match': anonymousTag });
    assert.equal(signedIn.status, 200, 'the signed-in page is another representation');
    assert.match(signedIn.text(), ACCOUNT_LINK);
    assert.equal(signedIn.headers['cache-control'], 'private, no-cache');
    assert.notEqual(signedIn.headers.etag, anonymousTag);
    // Cached for this viewer too.
    assert.equal((await view(base, 'Early', { cookie: cookie(session), 'if-none-match': String(signedIn.headers.etag) })).status, 304);

    assert.equal((await postForm(base, '/logout', {}, { cookie: cookie(session), ...sameOrigin(base) })).status, 303);
    const signedOut = await view(base, 'Early', { cookie: cookie(session), 'if-none-match': String(signedIn.headers.etag) });
    assert.equal(signedOut.status, 200, 'the ended session sees the anonymous page');
    assert.doesNotMatch(signedOut.text(), ACCOUNT_LINK);
    assert.match(signedOut.text(), SIGN_IN_LINK);
    assert.equal(signedOut.headers.etag, anonymousTag);
  });

  it('a page deleted after its view was cached is a 404', async () => {
    const tag = await created('Brief', 'Short-lived.\n');
    const shown = await view(base, 'Brief');
    assert.equal((await view(base, 'Brief', { 'if-none-match': String(shown.headers.etag) })).status, 304);
    assert.equal((await remove('Brief', tag)).status, 204);
    assert.equal((await view(base, 'Brief', { 'if-none-match': String(shown.headers.etag) })).status, 404);
  });
});

describe('a cached page view, --workers 2 on one SQLite file', () => {
  let server: RunningServer;
  let base: string;
  before(async () => {
    server = await startServer({ args: ['--workers', '2'] });
    base = server.url;
    await createPage(base, 'Early', 'Read [[Later]] when it exists.\n');
  });
  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  // A connection per request, so that the workers take turns answering.
  const fresh = { connection: 'close' };

  it('a linked page created through one process is linked in every process’s next view', async () => {
    // Every worker has the view cached.
    for (let i = 0; i < 6; i++) assert.match((await view(base, 'Early', fresh)).text(), MISSING_LATER);
    await createPage(base, 'Later', 'Here now.\n');
    for (let i = 0; i < 6; i++) {
      const res = await view(base, 'Early', fresh);
      assert.equal(res.status, 200);
      assert.match(res.text(), LINK_TO_LATER, `view ${i + 1} after the creation`);
    }
  });
});
