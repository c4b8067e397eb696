// A client generated from midair's OpenAPI document (generated/midair-api.d.ts, written by
// openapi-typescript; see test/openapi-client.test.ts) doing what a program editing pages does:
// create, conditional update, a stale update answered with 412 and its merge, and revalidation.
// It must typecheck with no cast: the document alone has to describe every call and answer.
// Usage: tsx conditional-client.ts BASE_URL PAGE_NAME; prints one JSON object of what it saw.
import createClient from 'openapi-fetch';
import type { paths } from './generated/midair-api.js';

const [baseUrl = 'http://127.0.0.1:3000', name = 'Generated client'] = process.argv.slice(2);

// Page bodies are text: send a string as it is; openapi-fetch's default JSON-encodes it.
const client = createClient<paths>({ baseUrl, bodySerializer: (body) => (typeof body === 'string' ? body : JSON.stringify(body)) });
const markdown = { 'content-type': 'text/markdown; charset=utf-8' };
const path = { name };

const created = await client.PUT('/api/pages/{name}', {
  params: { path, header: { 'if-none-match': '*' } },
  headers: markdown,
  body: '# Created…\n\nfirst line\n\nmiddle\n\nlast line\n',
});
if (!created.data) throw new Error(`create failed: ${created.response.status}`);
const firstEtag = created.data.etag;

const read = await client.GET('/api/pages/{name}', { params: { path }, parseAs: 'text' });

const updated = await client.PUT('/api/pages/{name}', {
  params: { path, header: { 'if-match': firstEtag, 'edit-summary': 'second' } },
  headers: markdown,
  body: '# Created…\n\nfirst line, edited\n\nmiddle\n\nlast line\n',
});
if (!updated.data) throw new Error(`conditional update failed: ${updated.response.status}`);

// Someone else's tag from before the update: refused, with the three-way merge to save instead.
const stale = await client.PUT('/api/pages/{name}', {
  params: { path, header: { 'if-match': firstEtag } },
  headers: markdown,
  body: '# Created…\n\nfirst line\n\nmiddle\n\nlast line, edited elsewhere\n',
});

const revalidated = await client.GET('/api/pages/{name}', { params: { path, header: { 'if-none-match': updated.data.etag } }, parseAs: 'text' });
const history = await client.GET('/api/pages/{name}/revisions', { params: { path, query: { limit: 10 } } });

console.log(
  JSON.stringify({
    created: { status: created.response.status, revision: created.data.revision, etag: firstEtag },
    read: { status: read.response.status, text: read.data ?? null },
    updated: { status: updated.response.status, revision: updated.data.revision, etag: updated.data.etag },
    stale: {
      status: stale.response.status,
      code: stale.error?.code ?? null,
      currentEtag: stale.error?.currentEtag ?? null,
      merge: stale.error?.merge ? { clean: stale.error.merge.clean ?? null, content: stale.error.merge.content ?? null } : null,
    },
    revalidated: { status: revalidated.response.status },
    history: history.data?.revisions.map((r) => r.revision) ?? null,
  }),
);
