// HTTP fuzzing with fast-check against a model of the RFC 9110 write rules, written here
// independently of the engine: random methods, names, header combinations and bodies.
// Never a 5xx, never a crash, and never a write that the model says must fail.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { request } from './support/http.js';
import { serverPerSuite } from './support/server.js';

const suite = serverPerSuite({ args: ['--body-limit', '4KiB'], cleanExit: true });

const printable = fc.string({ unit: fc.constantFrom(...' !"#*,/:;=-WabcxyzGMT0123456789\t'.split('')), maxLength: 30 });
// Symbolic values are resolved against the page's state just before the request is sent.
const tagValue = fc.oneof(
  fc.constantFrom('*', 'CURRENT', 'W/CURRENT', 'CODED', '"stale"', 'CURRENT, "stale"', '"stale", CURRENT', 'abc', '', 'W/"x", *', ' * '),
  printable,
);
const dateValue = fc.oneof(fc.constantFrom('PAST', 'FUTURE', 'LASTMOD', 'Sun, 06 Nov 1994 08:49:37 GMT', '0', '2026-01-01T00:00:00Z'), printable);
const names = ['F0', 'F1', 'F2'];
const badNames = ['%FF', 'a%2F%2Fb', '%20x', 'x%07', 'x'.repeat(300)];

const requestArb = fc.record({
  method: fc.constantFrom('GET', 'HEAD', 'PUT', 'PUT', 'PUT', 'DELETE', 'DELETE', 'POST', 'PATCH', 'PROPFIND', 'OPTIONS'),
  name: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: fc.constantFrom(...badNames) }),
  ifMatch: fc.option(tagValue, { nil: undefined }),
  ifNoneMatch: fc.option(tagValue, { nil: undefined }),
  ifUnmodifiedSince: fc.option(dateValue, { nil: undefined }),
  ifModifiedSince: fc.option(dateValue, { nil: undefined }),
  range: fc.option(fc.oneof(fc.constantFrom('bytes=0-3', 'bytes=-2', 'bytes=99999-', 'bytes=abc'), printable), { nil: undefined }),
  contentType: fc.constantFrom('text/markdown', 'text/plain; charset=utf-8', 'text/markdown; charset=latin1', 'application/json', 'image/png', ''),
  // Described symbolically, so a counterexample prints short; made into bytes when sent.
  body: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('<invalid UTF-8>', '<5000 bytes>')),
});

function bodyBytes(body: string): Buffer {
  if (body === '<invalid UTF-8>') return Buffer.from([0xff, 0xfe, 0x41]);
  if (body === '<5000 bytes>') return Buffer.alloc(5000, 0x61);
  return Buffer.from(body, 'utf8');
}
type FuzzRequest = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

interface PageState {
  exists: boolean;
  etag?: string;
  lastModified?: string;
}

async function stateOf(name: string): Promise<PageState> {
  const res = await request(`${suite.url}/api/pages/${name}`, { method: 'HEAD' });
  return res.status === 200 ? { exists: true, etag: res.headers.etag!, lastModified: res.headers['last-modified']! } : { exists: false };
}

function resolveTag(value: string, state: PageState): string {
  const current = state.etag ?? '"none"';
  return value
    .replace('W/CURRENT', `W/${current}`)
    .replace('CURRENT', current)
    .replace('CODED', `${current.slice(0, -1)}+gzip"`);
}

function resolveDate(value: string, state: PageState): string {
  if (value === 'PAST') return 'Sun, 06 Nov 1994 08:49:37 GMT';
  if (value === 'FUTURE') return new Date(Date.now() + 86_400_000).toUTCString();
  if (value === 'LASTMOD') return state.lastModified ?? 'Sun, 06 Nov 1994 08:49:37 GMT';
  return value;
}

type Verdict = 'must-fail' | 'must-pass' | 'either';
const and = (a: Verdict, b: Verdict): Verdict => (a === 'must-fail' || b === 'must-fail' ? 'must-fail' : a === 'either' || b === 'either' ? 'either' : 'must-pass');
const IMF = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const trimOws = (s: string) => s.replace(/^[ \t]+|[ \t]+$/g, '');

/** The model: may this PUT/DELETE change the page? (RFC 9110 §13.2.2, RFC 6585 §3.) */
function writeVerdict(r: FuzzRequest, state: PageState, ifMatch?: string, ifNoneMatch?: string, ifUnmodifiedSince?: string): Verdict {
  if (badNames.includes(r.name)) return 'must-fail';
  if (r.method === 'DELETE' && !state.exists) return 'must-fail';
  if (r.method === 'PUT') {
    const type = r.contentType;
    if (!['text/markdown', 'text/plain; charset=utf-8'].includes(type)) return 'must-fail';
    const bytes = bodyBytes(r.body);
    if (bytes.length > 4096) return 'must-fail';
    if (!isUtf8(bytes)) return 'must-fail';
  }
  const tags = state.exists ? [state.etag!, `${state.etag!.slice(0, -1)}+gzip"`, `${state.etag!.slice(0, -1)}+br"`] : [];
  let verdict: Verdict = 'must-pass';
  let usable = false;
  if (ifMatch !== undefined) {
    usable = true;
    const v = trimOws(ifMatch);
    if (v === '*') verdict = state.exists ? 'must-pass' : 'must-fail';
    else if (!tags.some((t) => ifMatch.includes(t))) verdict = 'must-fail'; // no current strong tag anywhere in it
    else verdict = /(^|[ ,])W\/"/.test(ifMatch) && !/(^|[ ,\t])"/.test(ifMatch.replace(/W\/"[^"]*"/g, '')) ? 'must-fail' : 'either';
  } else if (ifUnmodifiedSince !== undefined && IMF.test(ifUnmodifiedSince) && !state.exists) {
    // A missing page has no modification date, so the field is ignored (§13.1.4; issue 14 item 4).
  } else if (ifUnmodifiedSince !== undefined && IMF.test(ifUnmodifiedSince)) {
    usable = true;
    const date = Date.parse(ifUnmodifiedSince);
    const last = state.lastModified ? Date.parse(state.lastModified) : undefined;
    // No Last-Modified while another revision shares its second (issue 14 item 6): the model cannot tell.
    if (last === undefined) verdict = 'either';
    else if (date < last) verdict = 'must-fail';
    else verdict = date === last ? 'either' : 'must-pass';
  } else if (ifUnmodifiedSince !== undefined) {
    verdict = 'either'; // an unusual string might still be one of the obsolete date forms
    usable = true;
  }
  if (ifNoneMatch !== undefined) {
    const v = trimOws(ifNoneMatch);
    if (v === '*') {
      usable = true;
      verdict = and(verdict, state.exists ? 'must-fail' : 'must-pass');
    } else if (v.replace(/[ \t,]/g, '') === '') {
      // an empty list protects nothing
    } else {
      usable = true;
      const matches = tags.some((t) => ifNoneMatch.includes(t.slice(1, -1)));
      verdict = and(verdict, matches ? 'must-fail' : /^(W\/)?"[^"]*"([ \t]*,[ \t]*(W\/)?"[^"]*")*$/.test(v) ? 'must-pass' : 'either');
    }
  }
  if (!usable) return 'must-fail'; // 428
  return verdict;
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

test('random requests never get a 5xx, and no write the model forbids ever changes a page', async () => {
  let writesChecked = 0;
  let forbiddenWrites = 0;
  await fc.assert(
    fc.asyncProperty(requestArb, async (r) => {
      const before = badNames.includes(r.name) ? { exists: false } : await stateOf(r.name);
      const ifMatch = r.ifMatch === undefined ? undefined : resolveTag(r.ifMatch, before);
      const ifNoneMatch = r.ifNoneMatch === undefined ? undefined : resolveTag(r.ifNoneMatch, before);
      const ifUnmodifiedSince = r.ifUnmodifiedSince === undefined ? undefined : resolveDate(r.ifUnmodifiedSince, before);
      const headers: Record<string, string> = {};
      if (ifMatch !== undefined) headers['if-match'] = ifMatch;
      if (ifNoneMatch !== undefined) headers['if-none-match'] = ifNoneMatch;
      if (ifUnmodifiedSince !== undefined) headers['if-unmodified-since'] = ifUnmodifiedSince;
      if (r.ifModifiedSince !== undefined) headers['if-modified-since'] = resolveDate(r.ifModifiedSince, before);
      if (r.range !== undefined) headers['range'] = r.range;
      const sendsBody = ['PUT', 'POST', 'PATCH'].includes(r.method);
      if (sendsBody && r.contentType !== '') headers['content-type'] = r.contentType;
      const res = await request(`${suite.url}/api/pages/${r.name}`, { method: r.method, headers, ...(sendsBody ? { body: bodyBytes(r.body) } : {}) });

      assert.ok(res.status < 500, `${r.method} ${r.name} ${JSON.stringify(headers)} → ${res.status} ${res.text()}`);
      if (res.status >= 400) assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      if (badNames.includes(r.name)) return;
      const afterwards = await stateOf(r.name);
      const changed = afterwards.exists !== before.exists || afterwards.etag !== before.etag;

      if (r.method === 'PUT' || r.method === 'DELETE') {
        writesChecked++;
        const verdict = writeVerdict(r, before, ifMatch, ifNoneMatch, ifUnmodifiedSince);
        if (verdict === 'must-fail') {
          forbiddenWrites++;
          assert.ok(res.status >= 400, `forbidden ${r.method} answered ${res.status}: ${JSON.stringify(headers)}`);
          assert.ok(!changed, `forbidden ${r.method} changed the page: ${JSON.stringify(headers)}`);
        } else if (verdict === 'must-pass') {
          assert.ok(res.status >= 200 && res.status < 300, `allowed ${r.method} answered ${res.status} ${res.text()}: ${JSON.stringify(headers)}`);
        }
      } else {
        assert.ok(!changed, `${r.method} changed the page`);
        if (r.method === 'GET' || r.method === 'HEAD') {
          if (!before.exists) assert.equal(res.status, 404);
          else assert.ok([200, 206, 304, 412, 416].includes(res.status), `${r.method} → ${res.status}`);
        } else if (r.method === 'OPTIONS') assert.equal(res.status, 204);
        else assert.equal(res.status, 405);
      }
    }),
    { numRuns: 400 },
  );
  assert.ok(writesChecked > 100, `enough writes were checked (${writesChecked})`);
  assert.ok(forbiddenWrites > 30, `enough forbidden writes were tried (${forbiddenWrites})`);
});
