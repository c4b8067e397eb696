// Subpage URLs in the wiki (/wiki/Team/Onboarding/edit) reach the same routes, with the same
// access per action, as one-segment names (issue 16, items 1-3). Real HTTP, a real server process.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addUser, cookie, postForm, sameOrigin, signIn } from './support/accounts.js';
import { type HttpResponse, request } from './support/http.js';
import { type RunningServer, removeDir, startServer, tempDir } from './support/server.js';

const SUB = 'Team/On boarding';
const SUB_PATH = '/wiki/Team/On%20boarding';

describe('subpage URLs and their access, in accounts mode', () => {
  let server: RunningServer;
  let base: string;
  const sessions: Record<string, string> = {};
  const as = (who?: string): Record<string, string> => (who ? { cookie: cookie(sessions[who]!) } : {});
  const get = (path: string, who?: string): Promise<HttpResponse> => request(`${base}${path}`, { headers: as(who) });

  before(async () => {
    const dataDir = tempDir();
    await Promise.all([addUser({ dataDir }, 'rita', 'reader'), addUser({ dataDir }, 'ed', 'editor'), addUser({ dataDir }, 'boss', 'admin')]);
    server = await startServer({ dataDir, args: ['--auth', 'accounts'] });
    base = server.url;
    for (const name of ['rita', 'ed', 'boss']) sessions[name] = await signIn(base, name);
    const write = { ...as('ed'), ...sameOrigin(base), 'content-type': 'text/markdown' };
    for (const [name, text] of [['Team', '# Team\n\nSee [[Team/On boarding]].\n'], [SUB, '# Welcome\n\nFirst day.\n']] as const) {
      const res = await request(`${base}/api/pages/${encodeURIComponent(name)}`, { method: 'PUT', headers: { ...write, 'if-none-match': '*' }, body: text });
      assert.equal(res.status, 201, res.text());
    }
    const edit = await request(`${base}/api/pages/${encodeURIComponent(SUB)}`, { method: 'PUT', headers: { ...write, 'if-match': '*' }, body: '# Welcome\n\nFirst day, second go.\n' });
    assert.equal(edit.status, 200, edit.text());
  });
  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  it('every read action of a subpage answers at its readable URL, as at the %2F one', async () => {
    for (const suffix of ['', '/history', '/revisions/1', '/diff?from=1&to=2', '/history.atom', '/backlinks']) {
      const readable = await get(`${SUB_PATH}${suffix}`, 'rita');
      assert.equal(readable.status, 200, `${suffix}: ${readable.text().slice(0, 300)}`);
      const encoded = await get(`/wiki/Team%2FOn%20boarding${suffix}`, 'rita');
      assert.equal(encoded.status, 200, suffix);
    }
    assert.match((await get(SUB_PATH, 'rita')).text(), /First day, second go\./);
    assert.match((await get(`${SUB_PATH}/revisions/1`, 'rita')).text(), /First day\./);
  });

  it('a [[Team/On boarding]] link and the page tabs use the readable URL', async () => {
    const team = (await get('/wiki/Team', 'ed')).text();
    assert.match(team, /<a class="wikilink" href="\/wiki\/Team\/On%20boarding">/);
    const sub = (await get(SUB_PATH, 'ed')).text();
    assert.ok(sub.includes(`href="${SUB_PATH}/edit"`), 'the Edit tab');
    assert.ok(sub.includes(`href="${SUB_PATH}/history"`), 'the History tab');
    // Move and Delete go with Edit: offered to those who may take them only.
    for (const action of ['move', 'delete']) {
      assert.ok(sub.includes(`href="${SUB_PATH}/${action}">`), `an editor sees ${action}`);
      assert.ok(!(await get(SUB_PATH, 'rita')).text().includes(`href="${SUB_PATH}/${action}"`), `a reader does not see ${action}`);
      assert.ok(!(await get(SUB_PATH)).text().includes(`href="${SUB_PATH}/${action}"`), `an anonymous visitor does not see ${action}`);
    }
    // Nothing to move or delete on a page that does not exist.
    const missing = (await get('/wiki/Team/Nobody', 'ed')).text();
    assert.ok(missing.includes('href="/wiki/Team/Nobody/edit"') && !missing.includes('href="/wiki/Team/Nobody/move"'));
  });

  it('a reader reaches neither the editor, nor move, nor delete; anonymous visitors are sent to sign in', async () => {
    for (const action of ['edit', 'move', 'delete']) {
      assert.equal((await get(`${SUB_PATH}/${action}`, 'rita')).status, 403, action);
      assert.equal((await get(`${SUB_PATH}/${action}`, 'ed')).status, 200, action);
      const anonymous = await get(`${SUB_PATH}/${action}`);
      assert.equal(anonymous.status, 401, action);
      assert.ok(anonymous.text().includes(`href="/login?next=${encodeURIComponent(`${SUB_PATH}/${action}`)}"`), 'back to the URL as sent');
      const post = await postForm(base, `${SUB_PATH}/${action === 'edit' ? '' : action}`.replace(/\/$/, ''), { baseEtag: '"x"' }, { ...as('rita'), ...sameOrigin(base) });
      assert.equal(post.status, 403, `POST ${action}`);
    }
    // Nothing was changed by the refused posts.
    assert.match((await get(SUB_PATH, 'rita')).text(), /First day, second go\./);
  });

  it('protection of a subpage is switched by admins only', async () => {
    const byEditor = await postForm(base, `${SUB_PATH}/protection`, { protect: '1' }, { ...as('ed'), ...sameOrigin(base) });
    assert.equal(byEditor.status, 403);
    const byAdmin = await postForm(base, `${SUB_PATH}/protection`, { protect: '1' }, { ...as('boss'), ...sameOrigin(base) });
    assert.equal(byAdmin.status, 303);
    assert.equal(byAdmin.headers.location, `${SUB_PATH}/protection`);
    const off = await postForm(base, `${SUB_PATH}/protection`, { protect: '0' }, { ...as('boss'), ...sameOrigin(base) });
    assert.equal(off.status, 303);
  });

  it('a subpage named with an action word is refused, not mistaken for the action', async () => {
    const res = await request(`${base}/api/pages/${encodeURIComponent('Team/preview')}`, { method: 'PUT', headers: { ...as('ed'), ...sameOrigin(base), 'content-type': 'text/markdown', 'if-none-match': '*' }, body: 'x' });
    assert.equal(res.status, 400);
    assert.match(res.text(), /preview/);
  });
});
