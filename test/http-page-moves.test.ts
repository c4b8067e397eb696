// Subpage names, backlinks and MOVE over real HTTP against a real server process, on the
// embedded SQLite store and on PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { postgresTestOptions, serverSchema } from './support/cluster.js';
import { createPage, getPage, type HttpResponse, putPage, request } from './support/http.js';
import { postgresUrl } from './support/cluster.js';
import { TestSchemas } from './support/postgres.js';
import { type RunningServer, removeDir, startServer } from './support/server.js';

const api = (name: string) => `/api/pages/${encodeURIComponent(name)}`;

function assertProblem(res: HttpResponse, status: number, code: string): Record<string, unknown> {
  assert.equal(res.status, status, res.text());
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json();
  assert.equal(body['code'], code);
  return body;
}

function suite(label: string, start: () => Promise<RunningServer>, cleanup: () => Promise<void> = async () => {}) {
  describe(label, () => {
    let server: RunningServer;
    let base: string;
    let counter = 0;
    const fresh = (name: string) => `${name} ${++counter}`;
    const move = (from: string, headers: Record<string, string>, query = '') => request(`${base}${api(from)}${query}`, { method: 'MOVE', headers });

    before(async () => {
      server = await start();
      base = server.url;
    });
    after(async () => {
      assert.equal(await server.stop(), 0);
      removeDir(server.dataDir);
      await cleanup();
    });

    describe('subpage names', () => {
      test('a name with "/" is one path segment (%2F): written, read, listed and given revisions', async () => {
        const name = `${fresh('Team')}/Onboarding`;
        const etag = await createPage(base, name, '# Welcome');
        assert.match(api(name), /%2FOnboarding$/);
        const read = await getPage(base, name);
        assert.equal(read.status, 200);
        assert.equal(read.headers.etag, etag);
        const revisions = await request(`${base}${api(name)}/revisions`);
        assert.equal(revisions.status, 200, revisions.text());
      });

      test('the raw path /api/pages/Team/Onboarding is a 404 saying to send "/" as %2F', async () => {
        const res = await request(`${base}/api/pages/Team/Onboarding`);
        const body = assertProblem(res, 404, 'not-found');
        assert.match(String(body['detail']), /%2F/);
        assert.equal(body['suggested'], '/api/pages/Team%2FOnboarding');
      });

      for (const [label, raw] of [
        ['a reserved word as a subpage', 'Team%2Fhistory'],
        ['an empty segment', 'Team%2F%2FA'],
        ['a "." segment', 'Team%2F.'],
        ['a trailing "/"', 'Team%2F'],
      ]) {
        test(`${label} is a 400 bad-page-name, and nothing is written`, async () => {
          const write = await request(`${base}/api/pages/${raw}`, { method: 'PUT', headers: { 'content-type': 'text/markdown', 'if-none-match': '*' }, body: 'x' });
          assertProblem(write, 400, 'bad-page-name');
        });
      }

      test('GET /api/pages?prefix=…/ lists the subpages; children=true the direct ones, paged with the scope kept', async () => {
        const root = fresh('Tree');
        for (const name of [root, `${root}/A`, `${root}/A/deep`, `${root}/B`, `${root}/C`, `${root} sibling`]) await createPage(base, name, 'x');
        const list = async (query: string) => (await request(`${base}/api/pages?${query}`)).json<{ pages: { name: string }[]; next: string | null }>();
        const prefix = encodeURIComponent(`${root}/`);
        assert.deepEqual((await list(`prefix=${prefix}`)).pages.map((p) => p.name), [`${root}/A`, `${root}/A/deep`, `${root}/B`, `${root}/C`]);
        const first = await request(`${base}/api/pages?prefix=${prefix}&children=true&limit=2`);
        assert.deepEqual(first.json<{ pages: { name: string }[] }>().pages.map((p) => p.name), [`${root}/A`, `${root}/B`]);
        const next = /<([^>]+)>; rel="next"/.exec(String(first.headers.link))![1]!;
        assert.deepEqual((await request(`${base}${next}`)).json<{ pages: { name: string }[] }>().pages.map((p) => p.name), [`${root}/C`]);
      });
    });

    describe('backlinks', () => {
      test('GET …/backlinks lists the pages linking here, with an ETag and 304, also for a page that does not exist', async () => {
        const target = fresh('Red link');
        const from = fresh('Linker');
        const etag = await createPage(base, from, `see [[${target}]] and [[${target}#Part|part]]`);
        const url = `${base}${api(target)}/backlinks`;
        const first = await request(url);
        assert.equal(first.status, 200);
        assert.deepEqual(first.json(), { name: target, backlinks: [{ name: from }], next: null });
        assert.match(String(first.headers.etag), /^"/);
        const again = await request(url, { headers: { 'if-none-match': String(first.headers.etag) } });
        assert.equal(again.status, 304);
        assert.equal((await putPage(base, from, 'no links now', { 'if-match': etag })).status, 200);
        const after = await request(url, { headers: { 'if-none-match': String(first.headers.etag) } });
        assert.equal(after.status, 200);
        assert.deepEqual(after.json<{ backlinks: unknown[] }>().backlinks, []);
      });

      test('backlinks page with limit and after', async () => {
        const hub = fresh('Hub');
        for (const n of [1, 2, 3]) await createPage(base, `${hub} from ${n}`, `[[${hub}]]`);
        const first = (await request(`${base}${api(hub)}/backlinks?limit=2`)).json<{ backlinks: { name: string }[]; next: string }>();
        assert.deepEqual(first.backlinks.map((b) => b.name), [`${hub} from 1`, `${hub} from 2`]);
        const rest = (await request(`${base}${api(hub)}/backlinks?limit=2&after=${encodeURIComponent(first.next)}`)).json<{ backlinks: { name: string }[]; next: null }>();
        assert.deepEqual(rest.backlinks.map((b) => b.name), [`${hub} from 3`]);
        assert.equal(rest.next, null);
      });
    });

    describe('MOVE', () => {
      test('moves the page: 201 with Location; the old name answers 308; the history, the ETag and the links go along', async () => {
        const from = fresh('Old name');
        const to = `${fresh('New name')}/Sub`;
        const v1 = await createPage(base, from, 'first');
        const v2 = (await putPage(base, from, 'second [[Elsewhere]]', { 'if-match': v1 })).headers.etag!;
        const linker = fresh('Linker');
        await createPage(base, linker, `[[${from}]]`);
        const res = await move(from, { destination: `${base}${api(to)}`, 'if-match': v2, 'edit-summary': 'tidy' });
        assert.equal(res.status, 201, res.text());
        assert.equal(res.headers.location, api(to));
        assert.equal(res.headers.etag, v2, 'the same text keeps its ETag');
        assert.deepEqual(res.json<{ moved: unknown }>().moved, [{ from, to }]);
        const moved = await getPage(base, to);
        assert.equal(moved.text(), 'second [[Elsewhere]]');
        assert.equal(moved.headers.etag, v2);
        for (const method of ['GET', 'HEAD']) {
          const old = await request(`${base}${api(from)}`, { method, headers: { 'if-none-match': v2 } });
          assert.equal(old.status, 308, `${method} of the old name, preconditions ignored (RFC 9110 §13.2.1)`);
          assert.equal(old.headers.location, api(to));
        }
        const history = (await request(`${base}${api(to)}/revisions`)).json<{ revisions: { revision: number; summary: string }[] }>();
        assert.deepEqual(history.revisions.map((r) => [r.revision, r.summary]), [
          [3, `Moved from "${from}": tidy`],
          [2, ''],
          [1, ''],
        ]);
        assert.deepEqual((await request(`${base}${api(to)}/backlinks`)).json<{ backlinks: unknown[] }>().backlinks, [{ name: linker, via: from }]);
        assert.deepEqual((await request(`${base}${api('Elsewhere')}/backlinks`)).json<{ backlinks: { name: string }[] }>().backlinks.some((b) => b.name === to), true);
      });

      test('at the old name: If-Match is 412 and DELETE 404 (no page there); If-None-Match: * makes a page again', async () => {
        const from = fresh('Vacated');
        const etag = await createPage(base, from, 'x');
        assert.equal((await move(from, { destination: api(fresh('Moved on')), 'if-match': etag })).status, 201);
        assertProblem(await putPage(base, from, 'y', { 'if-match': etag }), 412, 'precondition-failed');
        assertProblem(await request(`${base}${api(from)}`, { method: 'DELETE', headers: { 'if-match': etag } }), 404, 'page-not-found');
        assert.equal((await putPage(base, from, 'a page again', { 'if-none-match': '*' })).status, 201);
        const read = await getPage(base, from);
        assert.equal(read.status, 200);
        assert.equal(read.text(), 'a page again');
      });

      test('redirects chain-collapse: A to B to C, and A answers 308 to C', async () => {
        const [a, b, c] = [fresh('Chain A'), fresh('Chain B'), fresh('Chain C')];
        const etag = await createPage(base, a, 'x');
        const first = await move(a, { destination: api(b), 'if-match': etag });
        assert.equal((await move(b, { destination: api(c), 'if-match': String(first.headers.etag) })).status, 201);
        assert.equal((await getPage(base, a)).headers.location, api(c));
      });

      test('428 without If-Match; 412 stale; 404 for a missing page; nothing moves', async () => {
        const from = fresh('Guarded');
        const etag = await createPage(base, from, 'x');
        const to = api(fresh('Nowhere'));
        const required = assertProblem(await move(from, { destination: to }), 428, 'precondition-required');
        assert.deepEqual(required['acceptedHeaders'], ['If-Match']);
        assertProblem(await move(from, { destination: to, 'if-none-match': '*' }), 428, 'precondition-required');
        const stale = assertProblem(await move(from, { destination: to, 'if-match': '"stale"' }), 412, 'precondition-failed');
        assert.equal(stale['currentEtag'], etag);
        assertProblem(await move(fresh('Missing'), { destination: to, 'if-match': etag }), 404, 'page-not-found');
        assert.equal((await getPage(base, from)).status, 200);
        assert.equal((await request(`${base}${to}`)).status, 404);
      });

      test('412 when the destination exists, with Overwrite: T too (a move never replaces a page)', async () => {
        const from = fresh('Mover');
        const taken = fresh('Taken');
        const etag = await createPage(base, from, 'x');
        const takenTag = await createPage(base, taken, 'keep me');
        for (const overwrite of [undefined, 'T', 'F']) {
          const res = await move(from, { destination: api(taken), 'if-match': etag, ...(overwrite ? { overwrite } : {}) });
          const body = assertProblem(res, 412, 'precondition-failed');
          assert.match(String(body['detail']), /already exists/);
          if (overwrite !== 'F') assert.match(String(body['detail']), /never replaces/);
        }
        assert.equal((await getPage(base, taken)).headers.etag, takenTag);
        assert.equal((await getPage(base, from)).status, 200);
      });

      test('a bad Destination or Overwrite is a 400, and nothing moves', async () => {
        const from = fresh('Stays');
        const etag = await createPage(base, from, 'x');
        const bad: [Record<string, string>, string][] = [
          [{}, 'bad-request'],
          [{ destination: '/wiki/Elsewhere' }, 'bad-request'],
          [{ destination: 'http://elsewhere.example/api/pages/X' }, 'bad-request'],
          [{ destination: '/api/pages/A/B' }, 'bad-request'],
          [{ destination: '/api/pages/A%2F%2FB' }, 'bad-page-name'],
          [{ destination: '/api/pages/%FF' }, 'bad-page-name'],
          [{ destination: '/api/pages/X', overwrite: 'yes' }, 'bad-request'],
        ];
        for (const [headers, code] of bad) assertProblem(await move(from, { 'if-match': etag, ...headers }), 400, code);
        assert.equal((await getPage(base, from)).headers.etag, etag);
      });

      test('?subpages=true moves the subpages along; without it they stay; a page cannot go under itself with them', async () => {
        const root = fresh('Parent');
        const etag = await createPage(base, root, 'root');
        await createPage(base, `${root}/Child`, 'child');
        await createPage(base, `${root}/Child/Grandchild`, 'grandchild');
        assertProblem(await move(root, { destination: api(`${root}/Child/Inside`), 'if-match': etag }, '?subpages=true'), 400, 'bad-page-name');
        const target = fresh('Adopted');
        const res = await move(root, { destination: api(target), 'if-match': etag }, '?subpages=true');
        assert.equal(res.status, 201, res.text());
        assert.deepEqual(res.json<{ moved: { to: string }[] }>().moved.map((m) => m.to), [target, `${target}/Child`, `${target}/Child/Grandchild`]);
        assert.equal((await getPage(base, `${target}/Child/Grandchild`)).text(), 'grandchild');
        assert.equal((await getPage(base, `${root}/Child`)).headers.location, api(`${target}/Child`));
        const alone = fresh('Alone');
        const aloneTag = await createPage(base, alone, 'x');
        await createPage(base, `${alone}/Kept`, 'kept');
        assert.equal((await move(alone, { destination: api(fresh('Solo')), 'if-match': aloneTag })).status, 201);
        assert.equal((await getPage(base, `${alone}/Kept`)).status, 200);
      });

      test('MOVE is in Allow for a page, and 405 with Allow elsewhere', async () => {
        const options = await request(`${base}${api('Any')}`, { method: 'OPTIONS' });
        assert.match(String(options.headers.allow), /\bMOVE\b/);
        const elsewhere = await request(`${base}/api/pages`, { method: 'MOVE', headers: { destination: '/api/pages/X', 'if-match': '"x"' } });
        assertProblem(elsewhere, 405, 'method-not-allowed');
        assert.doesNotMatch(String(elsewhere.headers.allow), /MOVE/);
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
