// Look-alike page names over real HTTP: the API's create-only PUT and the wiki's save form
// refuse a name that differs from an existing page's only by case, NFKC form or invisible
// characters (409, naming it); invisible characters, "." and ".." are refused at parse (400).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { postForm, sameOrigin } from './support/accounts.js';
import { createPage, getPage, putPage, request } from './support/http.js';
import { serverPerSuite } from './support/server.js';

describe('look-alike page names', () => {
  const suite = serverPerSuite();

  it('the API refuses a look-alike creation with 409 naming the existing page, and writes nothing', async () => {
    await createPage(suite.url, 'Budget', 'b\n');
    for (const name of ['budget', 'BUDGET', '\uFF22udget']) {
      const res = await putPage(suite.url, name, 'twin\n', { 'if-none-match': '*' });
      assert.equal(res.status, 409, name);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      const body = res.json();
      assert.equal(body['code'], 'page-name-lookalike');
      assert.equal(body['existing'], 'Budget');
      assert.equal((await getPage(suite.url, name)).status, 404);
    }
    assert.equal((await putPage(suite.url, 'Budget', 'again\n', { 'if-none-match': '*' })).status, 412, 'the name itself is a 412 as before');
  });

  it('zero-width and bidi characters, "." and ".." are refused as names (400)', async () => {
    for (const name of ['Bud\u200Bget', '\u202EBudget', 'A\uFEFFB', 'x\u2066y', 'a\u061Cb']) {
      const res = await putPage(suite.url, name, 'x\n', { 'if-none-match': '*' });
      assert.equal(res.status, 400, JSON.stringify(name));
      assert.equal(res.json()['code'], 'bad-page-name');
    }
    for (const name of ['.', '..']) {
      const res = await request(`${suite.url}/api/pages/${name.replaceAll('.', '%2E')}`, { method: 'PUT', headers: { 'content-type': 'text/markdown', 'if-none-match': '*' }, body: 'x' });
      // ".." may be refused by the router before the name is parsed (404); either way it is not made.
      assert.ok(res.status === 400 || (name === '..' && res.status === 404), `${name}: ${res.status}`);
    }
  });

  it('a deleted page keeps its name: a look-alike is still refused, the name itself is re-created', async () => {
    const etag = await createPage(suite.url, 'Gone', 'g\n');
    assert.equal((await request(`${suite.url}/api/pages/Gone`, { method: 'DELETE', headers: { 'if-match': etag } })).status, 204);
    const twin = await putPage(suite.url, 'GONE', 'x\n', { 'if-none-match': '*' });
    assert.equal(twin.status, 409);
    assert.equal(twin.json()['existing'], 'Gone');
    assert.equal((await putPage(suite.url, 'Gone', 'back\n', { 'if-none-match': '*' })).status, 201);
  });

  it('two concurrent creations of look-alike names: exactly one is 201, the others 409', async () => {
    const names = ['Twin', 'twin', 'TWIN', 'tWIN', '\uFF34win'];
    const results = await Promise.all(names.map((name) => putPage(suite.url, name, `${name}\n`, { 'if-none-match': '*' })));
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 1, String(statuses));
    assert.equal(statuses.filter((s) => s === 409).length, names.length - 1, String(statuses));
  });

  it("the wiki's save form shows the refusal with a link to the existing page", async () => {
    await createPage(suite.url, 'Notes', 'n\n');
    const res = await postForm(suite.url, '/wiki/notes', { content: 'twin\n', baseEtag: '' }, sameOrigin(suite.url));
    assert.equal(res.status, 409);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(res.text(), /href="\/wiki\/Notes"/);
    assert.equal((await getPage(suite.url, 'notes')).status, 404);
    assert.doesNotMatch(suite.server.output(), /"level":50/);
  });
});
