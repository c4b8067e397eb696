// The permission matrix: every route and method, asked by each kind of caller, in each access
// mode, against a real server process. Who gets through is written out below as a table of
// its own (not derived from src/auth), and a request that gets through is answered by the
// route itself (200, 303, 404, 405, 412…), never 401/403.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ROUTE_ACCESS } from '../src/auth/route-access.js';
import { addUser, ageSession, bearer, cookie, createToken, passwordOf, runAdmin, sameOrigin, signIn } from './support/accounts.js';
import { request } from './support/http.js';
import { type RunningServer, removeDir, startServer, tempDir } from './support/server.js';

type Mode = 'open' | 'accounts' | 'private';
const MODES: readonly Mode[] = ['open', 'accounts', 'private'];

const CALLERS = ['anonymous', 'reader', 'editor', 'admin', 'editor token', 'revoked token', 'expired session'] as const;
type Caller = (typeof CALLERS)[number];

/** What a request needs; `session`: a signed-in browser (a token is not enough). */
type Need = 'nothing' | 'read' | 'write' | 'protected-write' | 'signed-in' | 'session' | 'admin';

const ANYONE: readonly Caller[] = ['anonymous', 'reader', 'editor', 'admin', 'editor token', 'expired session'];
const SIGNED_IN: readonly Caller[] = ['reader', 'editor', 'admin', 'editor token'];
const EDITORS: readonly Caller[] = ['editor', 'admin', 'editor token'];
const SESSIONS: readonly Caller[] = ['reader', 'editor', 'admin'];
const ADMINS: readonly Caller[] = ['admin'];

/** Who is let through. An expired session is no sign-in; a revoked token is always refused. */
const LET_THROUGH: Record<Mode, Record<Need, readonly Caller[]>> = {
  open: { nothing: ANYONE, read: ANYONE, write: ANYONE, 'protected-write': ADMINS, 'signed-in': SIGNED_IN, session: SESSIONS, admin: ADMINS },
  accounts: { nothing: ANYONE, read: ANYONE, write: EDITORS, 'protected-write': ADMINS, 'signed-in': SIGNED_IN, session: SESSIONS, admin: ADMINS },
  private: { nothing: ANYONE, read: SIGNED_IN, write: EDITORS, 'protected-write': ADMINS, 'signed-in': SIGNED_IN, session: SESSIONS, admin: ADMINS },
};

function expectedStatus(mode: Mode, need: Need, caller: Caller, allowed: number): number {
  if (caller === 'revoked token') return 401;
  if (LET_THROUGH[mode][need].includes(caller)) return allowed;
  return caller === 'anonymous' || caller === 'expired session' ? 401 : 403;
}

interface Row {
  readonly method: string;
  readonly path: string;
  readonly need: Need;
  /** The route's own answer once let through. */
  readonly status: number;
  /** The ROUTE_ACCESS entry this row covers. */
  readonly rule?: readonly [string, string];
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

const PAGE = 'Matrix';
const PROTECTED = 'Matrix%20Protected';
const MISSING = 'Matrix%20Missing';
const STALE = { 'if-match': '"stale"', 'content-type': 'text/markdown' };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function rows(staticPath: string): Row[] {
  const read = (path: string, rule: string, status = 200): Row[] => [
    { method: 'GET', path, need: 'read', status, rule: [rule, 'GET'] },
    { method: 'HEAD', path, need: 'read', status, rule: [rule, 'HEAD'] },
  ];
  return [
    ...read('/', '/'),
    ...read('/wiki', '/wiki'),
    ...read('/search?q=matrix', '/search'),
    { method: 'GET', path: staticPath, need: 'nothing', status: 200, rule: ['/static/:file', 'GET'] },
    { method: 'HEAD', path: staticPath, need: 'nothing', status: 200, rule: ['/static/:file', 'HEAD'] },
    { method: 'GET', path: '/healthz', need: 'nothing', status: 200, rule: ['/healthz', 'GET'] },
    { method: 'HEAD', path: '/healthz', need: 'nothing', status: 200, rule: ['/healthz', 'HEAD'] },
    { method: 'GET', path: '/readyz', need: 'nothing', status: 200, rule: ['/readyz', 'GET'] },
    { method: 'HEAD', path: '/readyz', need: 'nothing', status: 200, rule: ['/readyz', 'HEAD'] },
    ...read(`/wiki/${PAGE}`, '/wiki/:name'),
    { method: 'GET', path: `/wiki/${MISSING}`, need: 'read', status: 404 },
    { method: 'POST', path: `/wiki/${PAGE}`, need: 'write', status: 200, rule: ['/wiki/:name', 'POST'], headers: FORM, body: 'intent=preview&content=x&baseEtag=' },
    { method: 'POST', path: `/wiki/${PROTECTED}`, need: 'protected-write', status: 200, headers: FORM, body: 'intent=preview&content=x&baseEtag=' },
    { method: 'GET', path: `/wiki/${PAGE}/edit`, need: 'write', status: 200, rule: ['/wiki/:name/edit', 'GET'] },
    { method: 'HEAD', path: `/wiki/${PAGE}/edit`, need: 'write', status: 200, rule: ['/wiki/:name/edit', 'HEAD'] },
    { method: 'GET', path: `/wiki/${PROTECTED}/edit`, need: 'protected-write', status: 200 },
    ...read(`/wiki/${PAGE}/history`, '/wiki/:name/history'),
    ...read(`/wiki/${PAGE}/history.atom`, '/wiki/:name/history.atom'),
    ...read('/changes.atom', '/changes.atom'),
    { method: 'POST', path: `/wiki/${PAGE}/preview`, need: 'write', status: 200, rule: ['/wiki/:name/preview', 'POST'], headers: FORM, body: 'content=x' },
    { method: 'POST', path: `/wiki/${PROTECTED}/preview`, need: 'protected-write', status: 200, headers: FORM, body: 'content=x' },
    ...read(`/wiki/${PAGE}/diff?from=1&to=1`, '/wiki/:name/diff'),
    ...read(`/wiki/${PAGE}/revisions/1`, '/wiki/:name/revisions/:n'),
    ...read(`/wiki/${PAGE}/protection`, '/wiki/:name/protection'),
    { method: 'POST', path: `/wiki/${MISSING}/protection`, need: 'admin', status: 303, rule: ['/wiki/:name/protection', 'POST'], headers: FORM, body: 'protect=0' },
    // Delete and move: the confirmation and form for writers; let through, a stale baseEtag gets 412.
    { method: 'GET', path: `/wiki/${PAGE}/delete`, need: 'write', status: 200, rule: ['/wiki/:name/delete', 'GET'] },
    { method: 'HEAD', path: `/wiki/${PAGE}/delete`, need: 'write', status: 200, rule: ['/wiki/:name/delete', 'HEAD'] },
    { method: 'POST', path: `/wiki/${PAGE}/delete`, need: 'write', status: 412, rule: ['/wiki/:name/delete', 'POST'], headers: FORM, body: 'baseEtag=%22stale%22' },
    { method: 'POST', path: `/wiki/${PROTECTED}/delete`, need: 'protected-write', status: 412, headers: FORM, body: 'baseEtag=%22stale%22' },
    { method: 'GET', path: `/wiki/${PAGE}/move`, need: 'write', status: 200, rule: ['/wiki/:name/move', 'GET'] },
    { method: 'HEAD', path: `/wiki/${PAGE}/move`, need: 'write', status: 200, rule: ['/wiki/:name/move', 'HEAD'] },
    { method: 'POST', path: `/wiki/${PAGE}/move`, need: 'write', status: 412, rule: ['/wiki/:name/move', 'POST'], headers: FORM, body: 'baseEtag=%22stale%22&to=Matrix%20Elsewhere' },
    { method: 'POST', path: `/wiki/${PROTECTED}/move`, need: 'protected-write', status: 412, headers: FORM, body: 'baseEtag=%22stale%22&to=Matrix%20Elsewhere' },
    // A subpage's URL keeps its action's rule.
    { method: 'GET', path: `/wiki/${PAGE}/Sub/move`, need: 'write', status: 404 },
    { method: 'POST', path: `/wiki/${PAGE}/Sub/delete`, need: 'write', status: 404, headers: FORM, body: 'baseEtag=%22stale%22' },
    ...read(`/wiki/${PAGE}/backlinks`, '/wiki/:name/backlinks'),
    ...read(`/wiki/${PAGE}/Sub/backlinks`, '/wiki/:name/backlinks'),
    ...read('/api/pages', '/api/pages'),
    ...read(`/api/pages/${PAGE}`, '/api/pages/:name'),
    { method: 'GET', path: `/api/pages/${MISSING}`, need: 'read', status: 404 },
    // Let through, a stale If-Match gets 412; refused, the precondition is never looked at.
    { method: 'PUT', path: `/api/pages/${PAGE}`, need: 'write', status: 412, rule: ['/api/pages/:name', 'PUT'], headers: STALE, body: 'x' },
    { method: 'DELETE', path: `/api/pages/${PAGE}`, need: 'write', status: 412, rule: ['/api/pages/:name', 'DELETE'], headers: { 'if-match': '"stale"' } },
    { method: 'PUT', path: `/api/pages/${PROTECTED}`, need: 'protected-write', status: 412, headers: STALE, body: 'x' },
    { method: 'DELETE', path: `/api/pages/${PROTECTED}`, need: 'protected-write', status: 412, headers: { 'if-match': '"stale"' } },
    { method: 'PUT', path: `/api/pages/${MISSING}`, need: 'write', status: 412, headers: STALE, body: 'x' },
    { method: 'MOVE', path: `/api/pages/${PAGE}`, need: 'write', status: 412, rule: ['/api/pages/:name', 'MOVE'], headers: { 'if-match': '"stale"', destination: `/api/pages/${MISSING}` } },
    { method: 'MOVE', path: `/api/pages/${PROTECTED}`, need: 'protected-write', status: 412, headers: { 'if-match': '"stale"', destination: `/api/pages/${MISSING}` } },
    ...read(`/api/pages/${MISSING}/backlinks`, '/api/pages/:name/backlinks'),
    ...read(`/api/pages/${PAGE}/revisions`, '/api/pages/:name/revisions'),
    ...read(`/api/pages/${PAGE}/revisions/1`, '/api/pages/:name/revisions/:n'),
    { method: 'GET', path: `/api/pages/${PAGE}/events`, need: 'read', status: 200, rule: ['/api/pages/:name/events', 'GET'] },
    { method: 'GET', path: '/api/openapi.json', need: 'read', status: 200, rule: ['/api/openapi.json', 'GET'] },
    ...read('/api/changes', '/api/changes'),
    // Files: uploads need what edits need; a refused caller never reaches the precondition.
    ...read('/api/files', '/api/files'),
    ...read(`/api/files/${MISSING}`, '/api/files/:name', 404),
    { method: 'PUT', path: `/api/files/${MISSING}`, need: 'write', status: 412, rule: ['/api/files/:name', 'PUT'], headers: { 'if-match': '"stale"', 'content-type': 'text/plain' }, body: 'x' },
    { method: 'DELETE', path: `/api/files/${MISSING}`, need: 'write', status: 404, rule: ['/api/files/:name', 'DELETE'], headers: { 'if-match': '"stale"' } },
    ...read(`/api/files/${MISSING}/versions`, '/api/files/:name/versions', 404),
    ...read(`/api/files/${MISSING}/versions/1`, '/api/files/:name/versions/:n', 404),
    { method: 'GET', path: '/login', need: 'nothing', status: 200, rule: ['/login', 'GET'] },
    { method: 'HEAD', path: '/login', need: 'nothing', status: 200, rule: ['/login', 'HEAD'] },
    { method: 'GET', path: '/account', need: 'signed-in', status: 200, rule: ['/account', 'GET'] },
    { method: 'HEAD', path: '/account', need: 'signed-in', status: 200, rule: ['/account', 'HEAD'] },
    { method: 'POST', path: '/account/tokens', need: 'session', status: 400, rule: ['/account/tokens', 'POST'], headers: FORM, body: 'label=' },
    { method: 'POST', path: '/account/tokens/999999/revoke', need: 'session', status: 404, rule: ['/account/tokens/:id/revoke', 'POST'], headers: FORM, body: '' },
    { method: 'POST', path: '/account/password', need: 'session', status: 400, rule: ['/account/password', 'POST'], headers: FORM, body: 'current=wrong&password=whatever1&confirm=whatever1' },
    // People: admins only; let through, an invalid name is 400 and an unknown user 404 (nothing changes).
    { method: 'GET', path: '/admin/users', need: 'admin', status: 200, rule: ['/admin/users', 'GET'] },
    { method: 'HEAD', path: '/admin/users', need: 'admin', status: 200, rule: ['/admin/users', 'HEAD'] },
    { method: 'POST', path: '/admin/users', need: 'admin', status: 400, rule: ['/admin/users', 'POST'], headers: FORM, body: 'name=&role=editor&password=' },
    ...['role', 'disable', 'enable', 'password', 'sign-out'].map(
      (action): Row => ({ method: 'POST', path: `/admin/users/nobody-here/${action}`, need: 'admin', status: 404, rule: [`/admin/users/:name/${action}`, 'POST'], headers: FORM, body: 'role=editor' }),
    ),
    // Methods a resource lacks: 405 for whoever may use the resource at all.
    { method: 'PATCH', path: `/api/pages/${PAGE}`, need: 'write', status: 405 },
    { method: 'POST', path: '/api/pages', need: 'write', status: 405 },
    { method: 'DELETE', path: `/wiki/${PAGE}`, need: 'write', status: 405 },
    { method: 'GET', path: '/logout', need: 'read', status: 405 },
    { method: 'OPTIONS', path: `/api/pages/${PAGE}`, need: 'read', status: 204 },
    { method: 'OPTIONS', path: '/wiki', need: 'read', status: 204 },
    { method: 'GET', path: '/nowhere', need: 'read', status: 404 },
    // Last: signing in again rotates (ends) the caller's session, signing out ends it.
    { method: 'POST', path: '/login', need: 'nothing', status: 303, rule: ['/login', 'POST'], headers: FORM, body: `username=matrix&password=${passwordOf('matrix')}` },
    { method: 'POST', path: '/logout', need: 'nothing', status: 303, rule: ['/logout', 'POST'], headers: FORM, body: '' },
  ];
}

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
}

/** The status and headers only; the connection is dropped (an event stream never ends). */
function probe(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) } }, (res) => {
      resolve({ status: res.statusCode!, headers: res.headers });
      req.destroy();
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${url}: no answer`)));
    req.end(body);
  });
}

interface Setup {
  readonly server: RunningServer;
  readonly credentials: Record<Caller, Record<string, string>>;
  readonly staticPath: string;
}

// Every server a setup started, so that it is stopped even when another mode's setup failed.
const started: RunningServer[] = [];

async function setUp(mode: Mode): Promise<Setup> {
  const dataDir = tempDir();
  const target = { dataDir };
  await Promise.all([addUser(target, 'reader', 'reader'), addUser(target, 'editor', 'editor'), addUser(target, 'admin', 'admin'), addUser(target, 'matrix', 'editor')]);
  const server = await startServer({ dataDir, args: ['--auth', mode] });
  started.push(server);
  const base = server.url;
  const [reader, editor, admin, stale] = await Promise.all([signIn(base, 'reader'), signIn(base, 'editor'), signIn(base, 'admin'), signIn(base, 'editor')]);
  const editorToken = await createToken(base, editor, 'matrix');
  await createToken(base, reader, 'soon revoked');
  const revoked = await createToken(base, reader, 'revoked');
  assert.equal((await runAdmin(target, ['token', 'revoke', 'reader', '--all'])).code, 0);
  await ageSession(target, stale);

  const asAdmin = { cookie: cookie(admin), ...sameOrigin(base), 'content-type': 'text/markdown' };
  for (const name of [PAGE, PROTECTED]) {
    const res = await request(`${base}/api/pages/${name}`, { method: 'PUT', headers: { ...asAdmin, 'if-none-match': '*' }, body: `# ${name}\n` });
    assert.equal(res.status, 201, res.text());
  }
  assert.equal((await runAdmin(target, ['page', 'protect', 'Matrix Protected'])).code, 0);
  const home = await request(`${base}/`, { headers: { cookie: cookie(admin) } });
  const staticPath = /href="(\/static\/wiki\.[^"]+\.css)"/.exec(home.text())?.[1];
  assert.ok(staticPath, 'the stylesheet link');

  const session = (id: string) => ({ cookie: cookie(id), ...sameOrigin(base) });
  return {
    server,
    staticPath,
    credentials: {
      anonymous: {},
      reader: session(reader),
      editor: session(editor),
      admin: session(admin),
      'editor token': bearer(editorToken),
      'revoked token': bearer(revoked),
      'expired session': session(stale),
    },
  };
}

describe('the permission matrix', () => {
  const setups = new Map<Mode, Setup>();
  before(async () => {
    for (const [mode, setup] of await Promise.all(MODES.map(async (mode) => [mode, await setUp(mode)] as const))) setups.set(mode, setup);
  });
  after(async () => {
    for (const server of started) {
      await server.stop();
      removeDir(server.dataDir);
    }
  });

  it('covers every rule of the route table, and the server has no route without one', () => {
    const covered = new Set(rows('/static/x').flatMap((row) => (row.rule ? [`${row.rule[1]} ${row.rule[0]}`] : [])));
    for (const [url, methods] of Object.entries(ROUTE_ACCESS)) {
      for (const method of Object.keys(methods)) assert.ok(covered.has(`${method} ${url}`), `the matrix has a row for ${method} ${url}`);
    }
    for (const { server } of setups.values()) assert.doesNotMatch(server.output(), /no access rule/);
  });

  for (const mode of MODES) {
    describe(`in ${mode} mode`, () => {
      // Rows are built when the setup is known (the static file's name has its fingerprint).
      for (const [index, template] of rows('/static/…').entries()) {
        it(`${template.method} ${template.path} (${template.need})`, async () => {
          const { server, credentials, staticPath } = setups.get(mode)!;
          const row = rows(staticPath)[index]!;
          const got: string[] = [];
          const want: string[] = [];
          for (const caller of CALLERS) {
            const answer = await probe(`${server.url}${row.path}`, row.method, { ...credentials[caller], ...row.headers }, row.body);
            const expected = expectedStatus(mode, row.need, caller, row.status);
            got.push(`${caller}: ${answer.status}`);
            want.push(`${caller}: ${expected}`);
            if (answer.status === 401) assert.match(String(answer.headers['www-authenticate']), /^Bearer realm="midair"/, `${caller}: 401 says how to authenticate`);
            if (answer.status === 401 || answer.status === 403) assert.equal(answer.headers.etag, undefined, `${caller}: a refusal carries no ETag`);
          }
          assert.deepEqual(got, want);
        });
      }
    });
  }
});
