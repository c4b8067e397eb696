// Delete and move in the browser, breadcrumbs, subpages, the page tree and backlinks (issue 16,
// items 1-4) over real HTTP against a real server process, on SQLite and on PostgreSQL. Forms are
// posted as a browser without JavaScript posts them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { postForm } from './support/accounts.js';
import { postgresTestOptions, postgresUrl, serverSchema } from './support/cluster.js';
import { createPage, type HttpResponse, putPage, request } from './support/http.js';
import { TestSchemas } from './support/postgres.js';
import { type RunningServer, removeDir, startServer } from './support/server.js';

const wiki = (name: string, action = '') => `/wiki/${name.split('/').map(encodeURIComponent).join('/')}${action === '' ? '' : `/${action}`}`;
const hiddenEtag = (page: string) => /name="baseEtag" value="([^"]*)"/.exec(page)?.[1]?.replaceAll('&quot;', '"');

function suite(label: string, start: () => Promise<RunningServer>, cleanup: () => Promise<void> = async () => {}) {
  describe(label, () => {
    let server: RunningServer;
    let base: string;
    let counter = 0;
    const fresh = (name: string) => `${name} ${++counter}`;
    const get = (path: string): Promise<HttpResponse> => request(`${base}${path}`);
    const post = (path: string, fields: Record<string, string>) => postForm(base, path, fields, { origin: base });
    const apiStatus = async (name: string) => (await request(`${base}/api/pages/${encodeURIComponent(name)}`)).status;

    before(async () => {
      server = await start();
      base = server.url;
    });
    after(async () => {
      assert.equal(await server.stop(), 0);
      removeDir(server.dataDir);
      await cleanup();
    });

    describe('delete', () => {
      test('the confirmation names the page and its revision; deleting it keeps the history and offers re-creating or restoring', async () => {
        const name = fresh('Doomed');
        const first = await createPage(base, name, '# One\n');
        await putPage(base, name, '# Two\n', { 'if-match': first });
        const confirm = await get(wiki(name, 'delete'));
        assert.equal(confirm.status, 200);
        assert.match(confirm.text(), new RegExp(`about to delete <strong>${name}</strong>, revision 2`));
        const etag = hiddenEtag(confirm.text());
        assert.ok(etag);
        const deleted = await post(wiki(name, 'delete'), { baseEtag: etag, summary: 'obsolete' });
        assert.equal(deleted.status, 303, deleted.text());
        assert.equal(deleted.headers.location, wiki(name));
        assert.equal(await apiStatus(name), 404);
        const gone = await get(wiki(name));
        assert.equal(gone.status, 404);
        assert.match(gone.text(), /This page was deleted/);
        assert.ok(gone.text().includes(`href="${wiki(name, 'edit')}?from=2">Restore revision 2`));
        assert.match(gone.text(), /Re-create this page/);
        const history = (await get(wiki(name, 'history'))).text();
        assert.match(history, /obsolete/);
        const restore = await get(`${wiki(name, 'edit')}?from=2`);
        assert.match(restore.text(), /# Two/);
      });

      test('a page changed since the confirmation was opened is not deleted: 412 with what changed', async () => {
        const name = fresh('Busy');
        const first = await createPage(base, name, 'one');
        const etag = hiddenEtag((await get(wiki(name, 'delete'))).text())!;
        await putPage(base, name, 'two', { 'if-match': first });
        const refused = await post(wiki(name, 'delete'), { baseEtag: etag });
        assert.equal(refused.status, 412);
        assert.match(refused.text(), /has changed since you opened this form: it is now at revision 2\. Nothing was deleted/);
        assert.ok(refused.text().includes(`href="${wiki(name, 'diff')}?from=1&amp;to=2"`));
        assert.equal(await apiStatus(name), 200);
      });

      test('a form without the revision it saw is 428, a weak tag 400, a missing page 404; nothing deleted', async () => {
        const name = fresh('Kept');
        await createPage(base, name, 'text');
        assert.equal((await post(wiki(name, 'delete'), {})).status, 428);
        assert.equal((await post(wiki(name, 'delete'), { baseEtag: 'W/"x"' })).status, 400);
        assert.equal(await apiStatus(name), 200);
        assert.equal((await get(wiki(fresh('Nothing'), 'delete'))).status, 404);
        assert.equal((await post(wiki(fresh('Nothing'), 'delete'), { baseEtag: '"x"' })).status, 404);
      });
    });

    describe('move', () => {
      test('a move is 303 to the new name; the old name shows the page, redirected, until a page is created there', async () => {
        const from = fresh('Old Plan');
        const to = fresh('New Plan');
        await createPage(base, from, '# Plan\n\nThe plan.\n');
        const form = await get(wiki(from, 'move'));
        assert.equal(form.status, 200);
        const moved = await post(wiki(from, 'move'), { baseEtag: hiddenEtag(form.text())!, to, summary: 'clearer name' });
        assert.equal(moved.status, 303, moved.text());
        assert.equal(moved.headers.location, wiki(to));
        assert.match((await get(wiki(to))).text(), /The plan\./);
        const old = await get(wiki(from));
        assert.equal(old.status, 200);
        assert.match(old.text(), /The plan\./);
        assert.ok(old.text().includes(`Redirected from <a href="${wiki(from)}?redirect=no">${from}</a>`));
        const itself = await get(`${wiki(from)}?redirect=no`);
        assert.equal(itself.status, 404);
        assert.match(itself.text(), /This name redirects to/);
        assert.match((await get(wiki(to, 'history'))).text(), new RegExp(`Moved from &quot;${from}&quot;: clearer name|Moved from "${from}": clearer name`));
        // Creating a page at the old name replaces the redirect.
        await createPage(base, from, 'A new page here.');
        const replaced = await get(wiki(from));
        assert.match(replaced.text(), /A new page here\./);
        assert.doesNotMatch(replaced.text(), /Redirected from/);
      });

      test('subpages go along when asked; the destination existing is a clear 409; a stale form 412; nothing moved then', async () => {
        const team = fresh('Team');
        const group = fresh('Group');
        await createPage(base, team, 'team');
        await createPage(base, `${team}/Onboarding`, 'onboarding');
        const taken = fresh('Taken');
        await createPage(base, taken, 'taken');
        const form = (await get(wiki(team, 'move'))).text();
        assert.match(form, /Move its subpages too \(1 subpage/);
        const etag = hiddenEtag(form)!;
        const clash = await post(wiki(team, 'move'), { baseEtag: etag, to: taken, subpages: '1' });
        assert.equal(clash.status, 409);
        assert.match(clash.text(), new RegExp(`A page named &quot;${taken}&quot; already exists|A page named "${taken}" already exists`));
        assert.match(clash.text(), /Nothing was moved/);
        const bad = await post(wiki(team, 'move'), { baseEtag: etag, to: `${team}/..` });
        assert.equal(bad.status, 400);
        assert.equal(await apiStatus(team), 200);
        const moved = await post(wiki(team, 'move'), { baseEtag: etag, to: group, subpages: '1' });
        assert.equal(moved.status, 303, moved.text());
        assert.equal(await apiStatus(`${group}/Onboarding`), 200);
        assert.equal((await get(wiki(`${team}/Onboarding`))).status, 200, 'the old subpage name redirects');
        const again = await post(wiki(team, 'move'), { baseEtag: etag, to: fresh('Elsewhere') });
        assert.equal(again.status, 404, 'the old name holds no page to move');
        assert.match(again.text(), /to move \(it was deleted or moved away since the form was opened\)/);
        // A move keeps the text, so its tag; an edit since the form was opened makes it stale.
        const edited = await putPage(base, group, 'edited since', { 'if-match': etag });
        assert.equal(edited.status, 200);
        const stale = await post(wiki(group, 'move'), { baseEtag: etag, to: fresh('Elsewhere') });
        assert.equal(stale.status, 412);
        assert.match(stale.text(), /Nothing was moved/);
        assert.equal(await apiStatus(group), 200);
      });
    });

    describe('subpages, breadcrumbs and the tree', () => {
      test('a subpage shows breadcrumbs to its ancestors, red when missing; a page lists its direct subpages', async () => {
        const top = fresh('Handbook');
        await createPage(base, top, 'top');
        await createPage(base, `${top}/People/Hiring`, 'hiring');
        await createPage(base, `${top}/Tools`, 'tools');
        const deep = (await get(wiki(`${top}/People/Hiring`))).text();
        assert.ok(deep.includes(`<li><a href="${wiki(top)}">${top}</a></li>`), 'an existing ancestor is a link');
        assert.ok(deep.includes(`<li><a class="missing" href="${wiki(`${top}/People`, 'edit')}"`), 'a missing ancestor is red, to its editor');
        assert.match(deep, /<li aria-current="page">Hiring<\/li>/);
        const page = (await get(wiki(top))).text();
        assert.ok(page.includes(`<li><a href="${wiki(`${top}/Tools`)}">Tools</a></li>`), 'a direct subpage');
        assert.ok(!page.includes(`href="${wiki(`${top}/People/Hiring`)}"`), 'not a deeper one');
        // A new subpage shows at once (the view cache is dropped on the change).
        await createPage(base, `${top}/Values`, 'values');
        assert.ok((await get(wiki(top))).text().includes(`href="${wiki(`${top}/Values`)}">Values</a>`));
      });

      test('/wiki is a tree of nested lists, with no inline style', async () => {
        const top = fresh('Atlas');
        await createPage(base, top, 'top');
        await createPage(base, `${top}/East`, 'east');
        await createPage(base, `${top}/East/Coast`, 'coast');
        const index = (await get('/wiki')).text();
        const at = index.indexOf(`href="${wiki(top)}"`);
        assert.ok(at > 0);
        const nested = new RegExp(`href="${wiki(top).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}">${top}</a>[^]*?<ul class="subtree">\\s*<li><a href="${wiki(`${top}/East`)}">East</a>[^]*?<ul class="subtree">\\s*<li><a href="${wiki(`${top}/East/Coast`)}">Coast</a>`);
        assert.match(index, nested);
        assert.doesNotMatch(index, /style=/);
      });
    });

    describe('backlinks', () => {
      test('what links here, on the page and on its own view, stays right through a move and a delete', async () => {
        const target = fresh('Target');
        const source = fresh('Source');
        const renamed = fresh('Renamed');
        await createPage(base, target, 'target');
        await createPage(base, source, `See [[${target}]].`);
        const onPage = (await get(wiki(target))).text();
        assert.ok(onPage.includes(`<li><a href="${wiki(source)}">${source}</a></li>`), 'listed on the page');
        assert.ok((await get(wiki(source))).text().includes(`<a class="wikilink" href="${wiki(target)}">`), 'a blue link');
        const etag = hiddenEtag((await get(wiki(target, 'move'))).text())!;
        assert.equal((await post(wiki(target, 'move'), { baseEtag: etag, to: renamed })).status, 303);
        // The link to the old name leads on (not red), and counts as a link to the new page, through the redirect.
        assert.ok((await get(wiki(source))).text().includes(`<a class="wikilink" href="${wiki(target)}">`), 'still blue after the move');
        const list = (await get(wiki(renamed, 'backlinks'))).text();
        assert.ok(list.includes(`<a href="${wiki(source)}">${source}</a> <span class="hint">(through the redirect ${target})</span>`), list);
        assert.ok((await get(wiki(renamed))).text().includes(`<a href="${wiki(source)}">${source}</a>`));
        // The source deleted: it links nowhere any more.
        const sourceEtag = hiddenEtag((await get(wiki(source, 'delete'))).text())!;
        assert.equal((await post(wiki(source, 'delete'), { baseEtag: sourceEtag })).status, 303);
        assert.match((await get(wiki(renamed))).text(), /No page links here\./);
        assert.match((await get(wiki(renamed, 'backlinks'))).text(), /No page links to/);
      });

      test('a red link turns blue when a page is moved to its name, and the moved page lists the link', async () => {
        const wanted = fresh('Wanted');
        const draft = fresh('Draft');
        const source = fresh('Asker');
        await createPage(base, source, `See [[${wanted}]].`);
        await createPage(base, draft, 'the draft');
        assert.ok((await get(wiki(source))).text().includes(`<a class="wikilink missing" href="${wiki(wanted, 'edit')}"`));
        const etag = hiddenEtag((await get(wiki(draft, 'move'))).text())!;
        assert.equal((await post(wiki(draft, 'move'), { baseEtag: etag, to: wanted })).status, 303);
        assert.ok((await get(wiki(source))).text().includes(`<a class="wikilink" href="${wiki(wanted)}">`));
        assert.ok((await get(wiki(wanted))).text().includes(`<li><a href="${wiki(source)}">${source}</a></li>`));
      });

      test('a red link turns blue when its page is created and red again when it is deleted (the view cache follows)', async () => {
        const missing = fresh('Later');
        const source = fresh('Linker');
        await createPage(base, source, `See [[${missing}]].`);
        const red = `<a class="wikilink missing" href="${wiki(missing, 'edit')}"`;
        const blue = `<a class="wikilink" href="${wiki(missing)}">`;
        assert.ok((await get(wiki(source))).text().includes(red));
        const etag = await createPage(base, missing, 'now here');
        assert.ok((await get(wiki(source))).text().includes(blue));
        const deleted = await request(`${base}/api/pages/${encodeURIComponent(missing)}`, { method: 'DELETE', headers: { 'if-match': etag } });
        assert.equal(deleted.status, 204);
        assert.ok((await get(wiki(source))).text().includes(red));
      });
    });
  });
}

suite('SQLite', () => startServer());

const schemas = new TestSchemas(postgresUrl);
const postgres = postgresTestOptions();
if (postgres.skip === undefined) {
  suite(
    'PostgreSQL',
    async () => startServer({ env: { DATABASE_URL: await serverSchema(schemas) } }),
    () => schemas.close(),
  );
} else {
  describe('PostgreSQL', () => test('runs on PostgreSQL', postgres, () => {}));
  after(() => schemas.close());
}
