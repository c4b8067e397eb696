import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { codedEtag, ContentCodings, equivalentEtags, variantTag } from './content-coding.js';

const codings = new ContentCodings(1024 * 1024);
const negotiateCoding = (acceptEncoding: string | undefined, size: number) => codings.negotiate(acceptEncoding, size);

const IDENTITY = '"rev-1"';

test('each coded variant carries its own strong tag, derived from the identity tag (RFC 9110 §8.8.3.3)', () => {
  assert.equal(variantTag(IDENTITY, 'identity').etag, IDENTITY);
  assert.equal(variantTag(IDENTITY, 'gzip').etag, '"rev-1+gzip"');
  assert.equal(variantTag(IDENTITY, 'br').etag, '"rev-1+br"');
  assert.equal(variantTag(IDENTITY, 'br').etag, codedEtag(IDENTITY, 'br'));
});

test("a variant's equivalents are every other tag of the same revision, never its own", () => {
  assert.deepEqual(variantTag(IDENTITY, 'identity').equivalents, ['"rev-1+gzip"', '"rev-1+br"']);
  assert.deepEqual(variantTag(IDENTITY, 'gzip').equivalents, ['"rev-1"', '"rev-1+br"']);
  assert.deepEqual(variantTag(IDENTITY, 'br').equivalents, ['"rev-1"', '"rev-1+gzip"']);
  assert.deepEqual(equivalentEtags(IDENTITY), variantTag(IDENTITY, 'identity').equivalents);
  assert.deepEqual(variantTag('"rev-2"', 'gzip').equivalents, ['"rev-2"', '"rev-2+br"'], 'another revision has tags of its own');
});

test("a revalidation reuses the server's kept tags: the same objects, which nobody can change", () => {
  const first = codings.variantTag(IDENTITY, 'br');
  assert.equal(codings.variantTag(IDENTITY, 'br'), first);
  assert.deepEqual(first, variantTag(IDENTITY, 'br'));
  assert.ok(Object.isFrozen(first) && Object.isFrozen(first.equivalents));
  assert.notEqual(new ContentCodings(1024).variantTag(IDENTITY, 'br'), first, 'another server keeps its own');
});

test('coded bodies are kept per server, by the tag of their variant', () => {
  const body = Buffer.from('x'.repeat(4096));
  const server = new ContentCodings(1024 * 1024);
  assert.equal(server.cached('"rev-1+gzip"'), undefined);
  const coded = server.encode(body, 'gzip', IDENTITY) as Buffer;
  assert.ok(coded.length < body.length);
  assert.equal(server.cached('"rev-1+gzip"'), coded);
  assert.equal(new ContentCodings(1024 * 1024).cached('"rev-1+gzip"'), undefined, 'another server has compressed nothing');
  assert.equal(server.encode(body, 'identity', IDENTITY), body);
});

test('small bodies and clients that ask for nothing get identity; others get what they prefer', () => {
  assert.equal(negotiateCoding(undefined, 10_000), 'identity');
  assert.equal(negotiateCoding('gzip, deflate, br', 100), 'identity');
  assert.equal(negotiateCoding('gzip', 10_000), 'gzip');
  assert.equal(negotiateCoding('gzip;q=0.5, br', 10_000), 'br');
  assert.equal(negotiateCoding('compress', 10_000), 'identity');
});

test('a large body is compressed off the event loop, once for concurrent requests; where that fails, still compressed', async () => {
  const body = Buffer.from('midair '.repeat(20_000));
  const asked: string[] = [];
  const offLoop = new ContentCodings(1024 * 1024, async (b, coding) => {
    asked.push(coding);
    return Buffer.from(`coded ${coding} ${b.length}`);
  });
  const first = offLoop.encode(body, 'br', IDENTITY);
  const second = offLoop.encode(body, 'br', IDENTITY);
  assert.ok(first instanceof Promise && second instanceof Promise);
  assert.equal(String(await first), `coded br ${body.length}`);
  assert.equal(await second, await first);
  assert.deepEqual(asked, ['br']);
  assert.equal(offLoop.encode(body, 'br', IDENTITY), await first, 'kept, then given at once');
  assert.ok(!(offLoop.encode(Buffer.from('small '.repeat(300)), 'gzip', '"small"') instanceof Promise), 'a small body is compressed at once');

  const refusing = new ContentCodings(1024 * 1024, () => Promise.reject(new Error('busy')));
  assert.deepEqual(gunzipSync(await refusing.encode(body, 'gzip', IDENTITY)), body);
});
