// Pages offer only the actions their viewer may take (issue 16, item 9): no Edit for readers
// and anonymous visitors where they cannot edit, no Protection but for admins, no "Sign in" in
// open mode, and a protected page says so to an editor. Pages are cached per viewer class, so a
// reader and an editor never share an ETag for different HTML. Real HTTP, real server processes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addUser, cookie, postForm, runAdmin, sameOrigin, signIn } from './support/accounts.js';
import { createPage, request } from './support/http.js';
import { type RunningServer, removeDir, startServer, tempDir } from './support/server.js';

const OPEN_PAGE = 'Open Page';
const LOCKED = 'Locked Page';
const path = (name: string, suffix = '') => `/wiki/${encodeURIComponent(name)}${suffix}`;

/** The tabs and header bits a page shows its viewer. */
function offered(page: string, name: string) {
  return {
    edit: page.includes(`href="${path(name, '/edit')}"`),
    protection: page.includes(`href="${path(name, '/protection')}"`),
    protectedNote: /class="protected-note"/.test(page),
    signIn: /<a href="\/login">Sign in<\/a>/.test(page),
  };
}

describe('actions by viewer, in accounts mode', () => {
  let server: RunningServer;
  let base: string;
  const sessions: Record<string, string> = {};

  before(async () => {
    const dataDir = tempDir();
    await Promise.all([addUser({ dataDir }, 'rita', 'reader'), addUser({ dataDir }, 'ed', 'editor'), addUser({ dataDir }, 'boss', 'admin')]);
    server = await startServer({ dataDir, args: ['--auth', 'accounts'] });
    base = server.url;
    for (const name of ['rita', 'ed', 'boss']) sessions[name] = await signIn(base, name);
    const asBoss = { cookie: cookie(sessions['boss']!), ...sameOrigin(base) };
    for (const name of [OPEN_PAGE, LOCKED]) {
      const res = await request(`${base}/api/pages/${encodeURIComponent(name)}`, { method: 'PUT', headers: { ...asBoss, 'if-none-match': '*', 'content-type': 'text/markdown' }, body: `# ${name}\n` });
      assert.equal(res.status, 201);
    }
  });
  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  const view = (name: string, who?: string, headers: Record<string, string> = {}) =>
    request(`${base}${path(name)}`, { headers: { ...(who ? { cookie: cookie(sessions[who]!) } : {}), ...headers } });

  it('anonymous visitors and readers see no Edit; editors see Edit but no Protection; admins see both', async () => {
    assert.deepEqual(offered((await view(OPEN_PAGE)).text(), OPEN_PAGE), { edit: false, protection: false, protectedNote: false, signIn: true });
    assert.deepEqual(offered((await view(OPEN_PAGE, 'rita')).text(), OPEN_PAGE), { edit: false, protection: false, protectedNote: false, signIn: false });
    assert.deepEqual(offered((await view(OPEN_PAGE, 'ed')).text(), OPEN_PAGE), { edit: true, protection: false, protectedNote: false, signIn: false });
    assert.deepEqual(offered((await view(OPEN_PAGE, 'boss')).text(), OPEN_PAGE), { edit: true, protection: true, protectedNote: false, signIn: false });
    // History and the editor get the same tabs.
    assert.equal(offered((await request(`${base}${path(OPEN_PAGE, '/history')}`, { headers: { cookie: cookie(sessions['rita']!) } })).text(), OPEN_PAGE).edit, false);
    const editor = (await request(`${base}${path(OPEN_PAGE, '/edit')}`, { headers: { cookie: cookie(sessions['ed']!) } })).text();
    assert.deepEqual(offered(editor, OPEN_PAGE), { edit: true, protection: false, protectedNote: false, signIn: false });
  });

  it('a missing page offers "Create this page" only to those who may create it', async () => {
    const missing = 'Nobody Wrote This';
    assert.doesNotMatch((await view(missing)).text(), /Create this page/);
    assert.doesNotMatch((await view(missing, 'rita')).text(), /Create this page/);
    const forEditor = (await view(missing, 'ed')).text();
    assert.match(forEditor, /Create this page/);
    assert.doesNotMatch(forEditor, /midair:editors/, 'the markers are gone from the page an editor gets');
  });

  it('a reader and an editor never share an ETag: each validator answers only its own HTML', async () => {
    const reader = await view(OPEN_PAGE, 'rita');
    const editor = await view(OPEN_PAGE, 'ed');
    assert.notEqual(reader.headers.etag, editor.headers.etag);
    assert.equal((await view(OPEN_PAGE, 'ed', { 'if-none-match': String(reader.headers.etag) })).status, 200, "the reader's tag does not validate the editor's page");
    assert.equal((await view(OPEN_PAGE, 'rita', { 'if-none-match': String(reader.headers.etag) })).status, 304);
    assert.equal((await view(OPEN_PAGE, 'ed', { 'if-none-match': String(editor.headers.etag) })).status, 304);
    const anonymous = await view(OPEN_PAGE);
    assert.equal(anonymous.headers['cache-control'], 'no-cache', 'anonymous pages stay shareable');
    assert.equal((await view(OPEN_PAGE, undefined, { 'if-none-match': String(anonymous.headers.etag) })).status, 304);
  });

  it('a protected page tells an editor why there is no Edit, at once after an admin protects it, and again when unprotected', async () => {
    const before = await view(LOCKED, 'ed');
    assert.equal(offered(before.text(), LOCKED).edit, true);
    const asBoss = { cookie: cookie(sessions['boss']!), ...sameOrigin(base) };
    assert.equal((await postForm(base, path(LOCKED, '/protection'), { protect: '1' }, asBoss)).status, 303);

    const locked = await view(LOCKED, 'ed', { 'if-none-match': String(before.headers.etag) });
    assert.equal(locked.status, 200, 'the page changed for the editor, so the old tag no longer validates');
    assert.deepEqual(offered(locked.text(), LOCKED), { edit: false, protection: false, protectedNote: true, signIn: false });
    assert.match(locked.text(), /Protected: only admins may edit this page\./);
    assert.deepEqual(offered((await view(LOCKED, 'boss')).text(), LOCKED), { edit: true, protection: true, protectedNote: true, signIn: false });
    assert.equal(offered((await view(LOCKED, 'rita')).text(), LOCKED).protectedNote, false, 'a reader edits no page anyway');
    assert.equal(offered((await view(OPEN_PAGE, 'ed')).text(), OPEN_PAGE).edit, true, 'other pages keep their Edit');

    assert.equal((await postForm(base, path(LOCKED, '/protection'), { protect: '0' }, asBoss)).status, 303);
    assert.deepEqual(offered((await view(LOCKED, 'ed')).text(), LOCKED), { edit: true, protection: false, protectedNote: false, signIn: false });
  });

  it('protection set by the admin tool, outside this server, shows within moments', async () => {
    assert.equal((await runAdmin({ dataDir: server.dataDir }, ['page', 'protect', LOCKED])).code, 0);
    let note = false;
    for (let i = 0; i < 40 && !note; i++) {
      note = offered((await view(LOCKED, 'ed')).text(), LOCKED).protectedNote;
      if (!note) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.ok(note, 'the editor is told the page is protected');
  });
});

describe('actions by viewer, in open mode', () => {
  let server: RunningServer;
  let base: string;

  before(async () => {
    const dataDir = tempDir();
    await addUser({ dataDir }, 'boss', 'admin');
    server = await startServer({ dataDir });
    base = server.url;
    await createPage(base, OPEN_PAGE, 'anyone edits\n');
    await createPage(base, LOCKED, 'admins only\n');
    const boss = await signIn(base, 'boss');
    assert.equal((await postForm(base, path(LOCKED, '/protection'), { protect: '1' }, { cookie: cookie(boss), ...sameOrigin(base) })).status, 303);
  });
  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  it('anyone sees Edit and no "Sign in"; a protected page says why it has no Edit', async () => {
    assert.deepEqual(offered((await request(`${base}${path(OPEN_PAGE)}`)).text(), OPEN_PAGE), { edit: true, protection: false, protectedNote: false, signIn: false });
    assert.deepEqual(offered((await request(`${base}${path(LOCKED)}`)).text(), LOCKED), { edit: false, protection: false, protectedNote: true, signIn: false });
    assert.equal((await request(`${base}/login`)).status, 200, 'an admin can still sign in at /login');
  });
});
