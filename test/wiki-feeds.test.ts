// Atom feeds of recent changes and of a page's history, read by a real feed parser (rss-parser)
// over HTTP from a real server process in a private wiki, on SQLite and on PostgreSQL: what the
// entries say and link to, 304 for an unchanged feed (each content coding with its own tag),
// and that a feed needs the same sign-in as the pages (an API token, for a feed reader).
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import Parser from 'rss-parser';
import { addUser, bearer, createToken, signIn } from './support/accounts.js';
import { postgresTestOptions, postgresUrl, serverSchema } from './support/cluster.js';
import { type HttpResponse, request } from './support/http.js';
import { TestSchemas } from './support/postgres.js';
import { type RunningServer, removeDir, startServer, tempDir } from './support/server.js';
import { decodeEntities } from './e2e/html.js';

const parser = new Parser();

interface Wiki {
  readonly base: string;
  readonly auth: Record<string, string>;
}

async function write(wiki: Wiki, name: string, content: string, summary: string, etag?: string): Promise<string> {
  const res = await request(`${wiki.base}/api/pages/${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { 'content-type': 'text/markdown', 'edit-summary': encodeURIComponent(summary), ...(etag ? { 'if-match': etag } : { 'if-none-match': '*' }), ...wiki.auth },
    body: content,
  });
  assert.ok(res.status === 200 || res.status === 201, `${name}: ${res.status} ${res.text()}`);
  return res.headers.etag!;
}

async function feed(wiki: Wiki, path: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
  return request(`${wiki.base}${path}`, { headers: { ...wiki.auth, ...headers } });
}

async function parsed(res: HttpResponse) {
  assert.equal(res.status, 200, res.text());
  return parser.parseString(res.text());
}

function feedSuite(store: string, options: { skip?: string }, databaseUrl: () => Promise<string | undefined>): void {
  describe(`feeds on ${store}`, options, () => {
    let server: RunningServer;
    let wiki: Wiki;
    const hostile = 'R&D <notes>';

    before(async () => {
      const url = await databaseUrl();
      const dataDir = tempDir();
      await addUser({ dataDir, ...(url ? { databaseUrl: url } : {}) }, 'fee', 'editor');
      server = await startServer({ dataDir, args: ['--auth', 'private'], env: url ? { DATABASE_URL: url } : {} });
      const session = await signIn(server.url, 'fee');
      wiki = { base: server.url, auth: bearer(await createToken(server.url, session)) };
      const first = await write(wiki, 'Plan', '# Plan\n', 'started the plan');
      await write(wiki, 'Plan', '# Plan\n\nShip it.\n', 'added ]]> a <b>step</b>', first);
      const other = await write(wiki, hostile, 'x\n', '');
      const gone = await request(`${wiki.base}/api/pages/${encodeURIComponent(hostile)}`, { method: 'DELETE', headers: { 'if-match': other, ...wiki.auth } });
      assert.equal(gone.status, 204);
    });
    after(async () => {
      await server?.stop();
      if (server) removeDir(server.dataDir);
    });

    it('recent changes: every change, newest first, each linked to what it changed', async () => {
      const res = await feed(wiki, '/changes.atom');
      assert.equal(res.headers['content-type'], 'application/atom+xml; charset=utf-8');
      const atom = await parsed(res);
      assert.equal(atom.feedUrl, `${wiki.base}/changes.atom`);
      const entries = atom.items.map((item) => ({ title: decodeEntities(item.title!), link: item.link, author: item.author as unknown, summary: decodeEntities(String(item['summary'])) }));
      const encoded = encodeURIComponent(hostile);
      assert.deepEqual(entries, [
        { title: `${hostile} deleted by fee (revision 2)`, link: `${wiki.base}/wiki/${encoded}/history`, author: 'fee', summary: 'No summary given.' },
        { title: `${hostile} created by fee (revision 1)`, link: `${wiki.base}/wiki/${encoded}/revisions/1`, author: 'fee', summary: 'No summary given.' },
        { title: 'Plan edited by fee (revision 2)', link: `${wiki.base}/wiki/Plan/diff?from=1&to=2`, author: 'fee', summary: 'added ]]> a <b>step</b>' },
        { title: 'Plan created by fee (revision 1)', link: `${wiki.base}/wiki/Plan/revisions/1`, author: 'fee', summary: 'started the plan' },
      ]);
      assert.equal(new Set(atom.items.map((item) => item['id'])).size, 4, 'each entry has its own id');
      assert.equal(atom.lastBuildDate, atom.items[0]!.isoDate, 'the feed is as new as its newest entry');
    });

    it("a page's history: its own revisions only", async () => {
      const atom = await parsed(await feed(wiki, '/wiki/Plan/history.atom'));
      assert.deepEqual(
        atom.items.map((item) => item.link),
        [`${wiki.base}/wiki/Plan/diff?from=1&to=2`, `${wiki.base}/wiki/Plan/revisions/1`],
      );
      assert.equal(atom.link, `${wiki.base}/wiki/Plan/history`);
      // A deleted page keeps its history, and its feed.
      const deleted = await parsed(await feed(wiki, `/wiki/${encodeURIComponent(hostile)}/history.atom`));
      assert.equal(deleted.items.length, 2);
      assert.equal((await feed(wiki, '/wiki/Never%20Written/history.atom')).status, 404);
    });

    it('the pages announce their feeds with <link rel="alternate">', async () => {
      const home = (await feed(wiki, '/')).text();
      assert.match(home, /<link rel="alternate" type="application\/atom\+xml" title="Recent changes \(Atom\)" href="\/changes.atom">/);
      for (const path of ['/wiki/Plan', '/wiki/Plan/history']) {
        assert.match((await feed(wiki, path)).text(), /<link rel="alternate" type="application\/atom\+xml" title="History of Plan \(Atom\)" href="\/wiki\/Plan\/history.atom">/, path);
      }
    });

    it('an unchanged feed is a 304, per coding; a change makes a new ETag', async () => {
      const plain = await feed(wiki, '/wiki/Plan/history.atom');
      const tag = plain.headers.etag!;
      assert.match(tag, /^"[^"]+"$/, 'a strong tag');
      assert.match(String(plain.headers['cache-control']), /no-cache/);
      assert.equal((await feed(wiki, '/wiki/Plan/history.atom', { 'if-none-match': tag })).status, 304);

      const gzip = await feed(wiki, '/wiki/Plan/history.atom', { 'accept-encoding': 'gzip' });
      assert.equal(gzip.headers['content-encoding'], 'gzip');
      assert.notEqual(gzip.headers.etag, tag, 'the gzip variant has its own tag');
      assert.equal(gunzipSync(gzip.body).toString('utf8'), plain.text());
      assert.equal((await feed(wiki, '/wiki/Plan/history.atom', { 'accept-encoding': 'gzip', 'if-none-match': gzip.headers.etag! })).status, 304);

      const changes = (await feed(wiki, '/changes.atom')).headers.etag!;
      const plan = await feed(wiki, '/api/pages/Plan');
      await write(wiki, 'Plan', '# Plan\n\nShip it soon.\n', 'third', plan.headers.etag);
      const after = await feed(wiki, '/wiki/Plan/history.atom', { 'if-none-match': tag });
      assert.equal(after.status, 200);
      assert.notEqual(after.headers.etag, tag);
      assert.equal((await parsed(after)).items.length, 3);
      const changed = await feed(wiki, '/changes.atom', { 'if-none-match': changes });
      assert.equal(changed.status, 200);
      assert.equal(decodeEntities((await parsed(changed)).items[0]!.title!), 'Plan edited by fee (revision 3)');
    });

    it('a private wiki\'s feed needs a sign-in: an API token as "Authorization: Bearer"', async () => {
      for (const path of ['/changes.atom', '/wiki/Plan/history.atom']) {
        const anonymous = await request(`${wiki.base}${path}`);
        assert.equal(anonymous.status, 401, path);
        assert.match(String(anonymous.headers['www-authenticate']), /^Bearer realm="midair"/);
        assert.doesNotMatch(anonymous.text(), /Plan created/);
        const revoked = await request(`${wiki.base}${path}`, { headers: bearer('midair_0000000000000000000000000000000000000000000') });
        assert.equal(revoked.status, 401, path);
        const allowed = await feed(wiki, path);
        assert.equal(allowed.status, 200, path);
        assert.match(String(allowed.headers['cache-control']), /\bprivate\b/, 'no shared cache keeps a private feed');
      }
    });
  });
}

feedSuite('SQLite', {}, async () => undefined);

const pgOptions = postgresTestOptions();
const schemas = pgOptions.skip ? undefined : new TestSchemas(postgresUrl);
after(async () => schemas?.close());
feedSuite('PostgreSQL', pgOptions, async () => serverSchema(schemas!));
