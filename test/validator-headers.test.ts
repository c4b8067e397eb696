// One 304/412 header policy (src/http/validator-headers.ts): the API's page and the wiki's
// view of it answer a revalidation and a failed precondition with the same fields. Real HTTP
// against one real server process.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NOT_MODIFIED_FIELDS, PRECONDITION_FAILED_FIELDS } from '../src/http/validator-headers.js';
import { createPage, type HttpResponse, putPage, request } from './support/http.js';
import { serverPerSuite } from './support/server.js';

const suite = serverPerSuite();

/** Every field that describes a representation, or its validation, that either responder might send. */
const METADATA = ['cache-control', 'content-location', 'date', 'etag', 'expires', 'vary', 'last-modified', 'content-type', 'content-encoding', 'content-range', 'accept-ranges', 'content-length'];

function metadataOf(res: HttpResponse): string[] {
  return METADATA.filter((field) => res.headers[field] !== undefined).sort();
}

// Large enough to be compressed, so the selected representation's tag is a coded variant's.
const TEXT = `# Policy\n\n${'A line of the page that repeats. '.repeat(200)}\n`;
const GZIP = { 'accept-encoding': 'gzip' };

async function both(name: string, headers: Record<string, string>): Promise<{ api: HttpResponse; wiki: HttpResponse }> {
  const path = encodeURIComponent(name);
  const [api, wiki] = await Promise.all([request(`${suite.url}/api/pages/${path}`, { headers }), request(`${suite.url}/wiki/${path}`, { headers })]);
  return { api, wiki };
}

describe('the 304/412 header policy is the same for the API and the wiki', () => {
  it('a 304 carries, of the metadata, only the fields of §15.4.5 its 200 sent: the same in both', async () => {
    await createPage(suite.url, 'Policy 304', TEXT);
    const full = await both('Policy 304', GZIP);
    assert.equal(full.api.status, 200);
    assert.equal(full.wiki.status, 200);
    assert.equal(full.api.headers['content-encoding'], 'gzip', 'the page is big enough to be compressed');

    for (const method of ['GET', 'HEAD']) {
      const path = encodeURIComponent('Policy 304');
      const api = await request(`${suite.url}/api/pages/${path}`, { method, headers: { ...GZIP, 'if-none-match': full.api.headers.etag! } });
      const wiki = await request(`${suite.url}/wiki/${path}`, { method, headers: { ...GZIP, 'if-none-match': full.wiki.headers.etag! } });
      assert.equal(api.status, 304, method);
      assert.equal(wiki.status, 304, method);
      assert.deepEqual(metadataOf(api), metadataOf(wiki), `${method}: the same fields`);
      for (const res of [api, wiki]) {
        assert.ok(metadataOf(res).every((field) => (NOT_MODIFIED_FIELDS as readonly string[]).includes(field)), `${method}: only 304 fields: ${metadataOf(res)}`);
        assert.deepEqual(metadataOf(res), ['cache-control', 'date', 'etag', 'vary']);
      }
      assert.equal(api.headers.etag, full.api.headers.etag, 'the tag of the representation the request selects');
      assert.equal(wiki.headers.etag, full.wiki.headers.etag);
      assert.equal(api.headers.vary, full.api.headers.vary);
      assert.equal(wiki.headers.vary, full.wiki.headers.vary);
    }
  });

  it('a 412 on a read carries the current ETag and Vary, nothing else of the representation: the same in both', async () => {
    await createPage(suite.url, 'Policy 412', TEXT);
    const current = await both('Policy 412', {});
    const failed = await both('Policy 412', { ...GZIP, 'if-match': '"not-this-one"' });
    assert.equal(failed.api.status, 412);
    assert.equal(failed.wiki.status, 412);
    assert.deepEqual(metadataOf(failed.api).filter((f) => f !== 'content-type' && f !== 'content-length'), metadataOf(failed.wiki).filter((f) => f !== 'content-type' && f !== 'content-length'));
    for (const [res, identity] of [
      [failed.api, current.api],
      [failed.wiki, current.wiki],
    ] as const) {
      for (const field of PRECONDITION_FAILED_FIELDS) assert.ok(res.headers[field], `412 has ${field}`);
      // The current revision's identity tag, which If-Match accepts (as the body's currentEtag).
      assert.equal(res.headers.etag, identity.headers.etag);
      assert.equal(res.headers.vary, 'Accept-Encoding');
      assert.equal(res.headers['cache-control'], 'no-store');
      for (const field of ['last-modified', 'content-encoding', 'accept-ranges', 'content-range']) assert.equal(res.headers[field], undefined, field);
    }
    assert.equal(failed.api.json()['currentEtag'], failed.api.headers.etag);
  });

  it("a write's 412 carries the current ETag, and no Vary: its 200 would not vary", async () => {
    const etag = await createPage(suite.url, 'Policy write', 'v1');
    const moved = await putPage(suite.url, 'Policy write', 'v2', { 'if-match': etag });
    assert.equal(moved.status, 200);
    const stale = await putPage(suite.url, 'Policy write', 'v3', { 'if-match': etag });
    assert.equal(stale.status, 412);
    assert.equal(stale.headers.etag, moved.headers.etag);
    assert.equal(stale.headers.vary, undefined);
  });

  it('other errors carry no validator: a 404 has neither ETag nor Vary in either', async () => {
    const missing = await both('Policy missing', {});
    assert.equal(missing.api.status, 404);
    assert.equal(missing.wiki.status, 404);
    for (const res of [missing.api, missing.wiki]) {
      assert.equal(res.headers.etag, undefined);
      assert.equal(res.headers['last-modified'], undefined);
    }
  });
});
