// Properties of the precondition engine, checked with fast-check against hostile and random input.
// The oracles below are written from the RFC 9110 grammar, independently of entity-tag.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type HeaderValue, parseEntityTagList } from './entity-tag.js';
import { formatHttpDate, parseHttpDate } from './http-date.js';
import { type ConditionalRequest, type CurrentRepresentation, type Decision, type EvaluateOptions, evaluatePreconditions } from './preconditions.js';

const NUM_RUNS = 1000;
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

// ---- Oracle: the grammar of "*" / #entity-tag (§8.8.3, §5.6.1.2, §13.1.1) as regular expressions.
const ETAGC = '[\\x21\\x23-\\x7e\\x80-\\xff]';
const TAG = `(?:W/)?"${ETAGC}*"`;
// Members separated by at least one comma; OWS and empty members anywhere.
const LIST = new RegExp(`^[ \\t,]*(?:${TAG}(?:[ \\t]*,[ \\t,]*${TAG})*)?[ \\t,]*$`);
const ANY = /^[ \t]*\*[ \t]*$/;
const STRONG_TAG = new RegExp(`^"${ETAGC}*"$`);
const SINGLE_TAG = new RegExp(`^${TAG}$`);

function joinLines(header: string | readonly string[]): string {
  return typeof header === 'string' ? header : header.join(',');
}

function trimOws(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}

type OracleList = { kind: 'any' } | { kind: 'tags'; strong: string[] } | { kind: 'malformed' };

function oracleParse(header: string | readonly string[]): OracleList {
  const value = joinLines(header);
  if (ANY.test(value)) return { kind: 'any' };
  if (!LIST.test(value)) return { kind: 'malformed' };
  const all = value.match(new RegExp(TAG, 'g')) ?? [];
  return { kind: 'tags', strong: all.filter((tag) => !tag.startsWith('W/')) };
}

/** §13.1.1: may If-Match be true for this representation? */
function ifMatchCanBeTrue(header: string | readonly string[], current: CurrentRepresentation): boolean {
  if (!current.exists) return false;
  const list = oracleParse(header);
  if (list.kind === 'any') return true;
  if (list.kind === 'malformed') return false;
  const have = [current.etag, ...(current.equivalentEtags ?? [])]
    .filter((tag): tag is string => tag !== undefined)
    .map(trimOws)
    .filter((tag) => STRONG_TAG.test(tag));
  if (current.etag === undefined) return false;
  return list.strong.some((tag) => have.includes(tag));
}

// ---- Generators.
const etagChar = fc
  .integer({ min: 0x21, max: 0xff })
  .filter((code) => code !== 0x22 && (code <= 0x7e || code >= 0x80))
  .map((code) => String.fromCharCode(code));
const opaqueTag = fc.string({ unit: etagChar, maxLength: 6 }).map((text) => `"${text}"`);
const validTag = fc.tuple(fc.boolean(), opaqueTag).map(([weak, opaque]) => (weak ? `W/${opaque}` : opaque));
// A small pool, so that generated requests often name the current tags.
const poolTag = fc.constantFrom('"r1"', '"r2"', 'W/"r2"', '"r2+gzip"', 'W/"r2+gzip"', '""', '"a,b"', '"caf\u00e9"');
const someTag = fc.oneof(poolTag, validTag);

const ows = fc.array(fc.constantFrom(' ', '\t'), { maxLength: 2 }).map((chars) => chars.join(''));
const looseSeparator = fc.array(fc.constantFrom(' ', '\t', ','), { maxLength: 4 }).map((chars) => chars.join(''));
const separator = fc.tuple(ows, looseSeparator).map(([before, after]) => `${before},${after}`);

/** Serializes tags as one field value with random OWS and empty members. */
function serializedList(tagArb: fc.Arbitrary<string>, maxLength = 4): fc.Arbitrary<{ text: string; tags: string[] }> {
  return fc
    .array(fc.tuple(tagArb, separator), { maxLength })
    .chain((members) =>
      fc.tuple(looseSeparator, looseSeparator).map(([lead, trail]) => ({
        text: lead + members.map(([tag, sep], i) => (i === 0 ? tag : sep + tag)).join('') + trail,
        tags: members.map(([tag]) => tag),
      })),
    );
}

// Pieces that stress the parsers: quotes, commas, W/, control characters, non-latin1, NBSP, dates.
const hostilePiece = fc.constantFrom(
  '"', ',', 'W/', 'w/', '*', ' ', '\t', '\n', '\r', '\u0000', '\u007f', '\u00a0', '\u00e9', '\u20ac', '\ud83d\ude00', '\ud800',
  'r2', '"r2"', 'W/"r2"', '"r1"', '""', 'GMT', 'Sun', ', ', '06 Nov 1994', '08:49:37', 'Sun, 06 Nov 1994 08:49:37 GMT',
);
const hostileString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.array(hostilePiece, { maxLength: 8 }).map((pieces) => pieces.join('')),
  serializedList(someTag).map((list) => list.text),
  fc.integer({ min: -62_135_596_800_000, max: LAST_INSTANT }).map(formatHttpDate),
);
const headerValue: fc.Arbitrary<HeaderValue> = fc.oneof(
  { arbitrary: hostileString, weight: 4 },
  { arbitrary: fc.array(hostileString, { maxLength: 3 }), weight: 1 },
  { arbitrary: fc.constant(undefined), weight: 2 },
);
const ifMatchValue = fc.oneof(
  headerValue.filter((value): value is string | string[] => value !== undefined),
  serializedList(poolTag).map((list) => list.text),
  fc.array(serializedList(poolTag, 2).map((list) => list.text), { minLength: 1, maxLength: 3 }),
  fc.tuple(ows, ows).map(([a, b]) => `${a}*${b}`),
  fc.constantFrom('\u00a0*', '*\n', '*,', '*, "r2"', 'W/"r2"', '"r2", x', '"r2"x', 'w/"r2"', '"r2'),
);

const lastModified = fc.oneof(
  fc.integer({ min: -62_135_596_800_000, max: LAST_INSTANT }),
  fc.constantFrom(Date.UTC(2024, 5, 1, 10, 0, 0) + 500, Number.NaN, Number.POSITIVE_INFINITY),
);
const current: fc.Arbitrary<CurrentRepresentation> = fc.record(
  {
    exists: fc.boolean(),
    etag: fc.oneof(poolTag, validTag, hostileString),
    equivalentEtags: fc.array(fc.oneof(poolTag, hostileString), { maxLength: 3 }),
    lastModified,
    lastModifiedIsWeak: fc.boolean(),
  },
  { requiredKeys: ['exists'] },
);
const options: fc.Arbitrary<EvaluateOptions> = fc.record(
  { requirePrecondition: fc.boolean(), now: fc.oneof(fc.integer({ min: 0, max: LAST_INSTANT }), fc.constant(Number.NaN)) },
  { requiredKeys: [] },
);
const anyMethod = fc.oneof(fc.constantFrom('GET', 'HEAD', 'PUT', 'DELETE', 'POST', 'PATCH', 'OPTIONS', 'get'), fc.string({ maxLength: 8 }));
const writeMethod = fc.constantFrom('PUT', 'DELETE');

/** The five conditional headers plus Range, each absent or arbitrary. */
const conditionalHeaders = fc.record(
  {
    'if-match': headerValue,
    'if-none-match': headerValue,
    'if-modified-since': headerValue,
    'if-unmodified-since': headerValue,
    'if-range': headerValue,
    range: fc.constantFrom(undefined, 'bytes=0-9'),
  },
  { requiredKeys: [] },
);

function assertWellFormed(decision: Decision): void {
  switch (decision.outcome) {
    case 'proceed':
      assert.equal(typeof decision.ignoreRange, 'boolean');
      assert.deepEqual(Object.keys(decision).sort(), ['ignoreRange', 'outcome']);
      break;
    case 'not-modified':
    case 'precondition-required':
      assert.deepEqual(Object.keys(decision), ['outcome']);
      break;
    case 'precondition-failed':
      assert.ok(['If-Match', 'If-None-Match', 'If-Unmodified-Since'].includes(decision.header));
      assert.equal(typeof decision.malformed, 'boolean');
      break;
    default:
      assert.fail(`unknown outcome ${JSON.stringify(decision)}`);
  }
}

describe('evaluatePreconditions properties', () => {
  test('(1) never throws and returns one of the four outcomes, whatever the headers and state', () => {
    fc.assert(
      fc.property(anyMethod, conditionalHeaders, current, options, (method, headers, state, opts) => {
        const decision = evaluatePreconditions({ method, headers }, state, opts);
        assertWellFormed(decision);
        // Only GET and HEAD are ever answered 304.
        if (decision.outcome === 'not-modified') assert.ok(['GET', 'HEAD'].includes(method.toUpperCase()));
      }),
      { numRuns: 2000 },
    );
  });

  test('(2) safety: a write whose If-Match cannot hold by the grammar never proceeds (§13.1.1)', () => {
    let refused = 0;
    fc.assert(
      fc.property(writeMethod, ifMatchValue, conditionalHeaders, current, options, (method, ifMatch, headers, state, opts) => {
        const request: ConditionalRequest = { method, headers: { ...headers, 'if-match': ifMatch } };
        const decision = evaluatePreconditions(request, state, { ...opts, requirePrecondition: true });
        if (!ifMatchCanBeTrue(ifMatch, state)) {
          refused++;
          assert.notEqual(decision.outcome, 'proceed');
          assert.deepEqual(decision, {
            outcome: 'precondition-failed',
            header: 'If-Match',
            malformed: oracleParse(ifMatch).kind === 'malformed',
          });
        }
      }),
      { numRuns: 2000 },
    );
    // The generators must also produce If-Match values that can hold, or the property says little.
    assert.ok(refused < 1900, `only ${2000 - refused} of 2000 generated If-Match values could hold`);
  });

  test('(3) a malformed If-Match never turns a refused write into one that proceeds', () => {
    const malformedIfMatch = fc
      .oneof(
        hostileString,
        fc.tuple(serializedList(someTag), hostilePiece).map(([list, junk]) => list.text + junk),
        fc.tuple(hostilePiece, serializedList(someTag)).map(([junk, list]) => junk + list.text),
      )
      .filter((value) => oracleParse(value).kind === 'malformed');
    const writeHeaders = conditionalHeaders.map(({ 'if-match': _ignored, ...rest }) => rest);
    fc.assert(
      fc.property(fc.constantFrom('PUT', 'DELETE', 'POST', 'PATCH'), writeHeaders, current, options, malformedIfMatch, (method, headers, state, opts, bad) => {
        const before = evaluatePreconditions({ method, headers }, state, opts);
        const after = evaluatePreconditions({ method, headers: { ...headers, 'if-match': bad } }, state, opts);
        if (before.outcome !== 'proceed') assert.notEqual(after.outcome, 'proceed');
        // Stronger: a malformed If-Match is always the reason for a 412 (§13.2.2 step 1 comes first).
        assert.deepEqual(after, { outcome: 'precondition-failed', header: 'If-Match', malformed: true });
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('parser properties', () => {
  test('(4) parseEntityTagList reads back the tags of any list with OWS and empty members, on one or several lines', () => {
    const lines = fc.array(serializedList(validTag), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(lines, fc.boolean(), (generated, asArray) => {
        const header: HeaderValue = generated.length === 1 && !asArray ? generated[0]!.text : generated.map((line) => line.text);
        const parsed = parseEntityTagList(header);
        const expected = generated.flatMap((line) => line.tags);
        assert.deepEqual(parsed, {
          kind: 'tags',
          tags: expected.map((tag) => ({ weak: tag.startsWith('W/'), opaque: tag.startsWith('W/') ? tag.slice(2) : tag })),
        });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('(4b) parseEntityTagList agrees with the grammar on whether a value is a list at all', () => {
    fc.assert(
      fc.property(fc.oneof(hostileString, fc.array(hostileString, { maxLength: 3 }), ifMatchValue), (header) => {
        const parsed = parseEntityTagList(header);
        assert.equal(parsed?.kind, oracleParse(header).kind);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('(5) parseHttpDate(formatHttpDate(t)) is t floored to the second, for 1970..9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: LAST_INSTANT }), (time) => {
        assert.equal(parseHttpDate(formatHttpDate(time)), Math.floor(time / 1000) * 1000);
      }),
      { numRuns: 2000 },
    );
  });

  test('(5b) the RFC 850 and asctime forms of an instant parse to the same second (RFC 850 read near `now`)', () => {
    const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const longDays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const two = (n: number) => String(n).padStart(2, '0');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: LAST_INSTANT }), (time) => {
        const d = new Date(time);
        const clock = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
        const month = months[d.getUTCMonth()]!;
        const day = d.getUTCDate();
        const year = d.getUTCFullYear();
        const asctime = `${days[d.getUTCDay()]} ${month} ${day < 10 ? ` ${day}` : day} ${clock} ${year}`;
        const rfc850 = `${longDays[d.getUTCDay()]}, ${two(day)}-${month}-${two(year % 100)} ${clock} GMT`;
        const second = Math.floor(time / 1000) * 1000;
        assert.equal(parseHttpDate(asctime), second);
        assert.equal(parseHttpDate(rfc850, time), second);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('(6) a revalidation that copies the current tag exactly is decided as its list form would be', () => {
    // evaluatePreconditions answers `If-None-Match: <current tag>` without parsing; the same
    // tag written as a list with OWS and an empty member takes the general path.
    let shortcut = 0;
    // Reads without If-Match and If-Unmodified-Since half the time, so the shortcut is often taken.
    const method = fc.oneof(anyMethod, fc.constantFrom('GET', 'HEAD'));
    const headers = fc.oneof(conditionalHeaders, conditionalHeaders.map(({ 'if-match': _m, 'if-unmodified-since': _u, ...rest }) => rest));
    fc.assert(
      fc.property(method, headers, current, options, ows, (method, headers, state, opts, space) => {
        // Only a valid tag has a list form: ",*" is malformed where "*" is not.
        if (state.etag === undefined || !SINGLE_TAG.test(state.etag)) return;
        const exact = evaluatePreconditions({ method, headers: { ...headers, 'if-none-match': state.etag } }, state, opts);
        const listed = evaluatePreconditions({ method, headers: { ...headers, 'if-none-match': `,${space}${state.etag}${space}` } }, state, opts);
        assert.deepEqual(exact, listed);
        if (exact.outcome === 'not-modified') shortcut++;
      }),
      { numRuns: 2000 },
    );
    assert.ok(shortcut > 100, `only ${shortcut} generated requests were revalidations answered 304`);
  });
});
