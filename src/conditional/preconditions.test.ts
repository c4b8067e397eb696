// RFC 9110 §13 — evaluatePreconditions as a table of named cases, each run for every method it names.
// Reads run for GET and HEAD; writes for PUT and DELETE (and POST/PATCH where the rule is about unsafe methods).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HeaderValue } from './entity-tag.js';
import { formatHttpDate } from './http-date.js';
import { type CurrentRepresentation, type Decision, type EvaluateOptions, type PreconditionHeader, evaluatePreconditions, hasWritePrecondition } from './preconditions.js';

// The server's clock: Sat, 15 Jun 2024 12:00:00 GMT.
const NOW = Date.UTC(2024, 5, 15, 12, 0, 0);
// Last-Modified with a sub-second part, so every date rule is seen to work on whole seconds.
const MODIFIED = Date.UTC(2024, 5, 1, 10, 0, 0) + 500;

const DATE_SAME_SECOND = formatHttpDate(MODIFIED); // Sat, 01 Jun 2024 10:00:00 GMT
const DATE_EARLIER = formatHttpDate(MODIFIED - 1000);
const DATE_LATER = formatHttpDate(MODIFIED + 1000);
const DATE_FUTURE = formatHttpDate(NOW + 1000);
const DATE_NOW = formatHttpDate(NOW);
const DATE_SAME_SECOND_RFC850 = 'Saturday, 01-Jun-24 10:00:00 GMT';
const DATE_EARLIER_ASCTIME = 'Sat Jun  1 09:59:59 2024';

const PAGE: CurrentRepresentation = {
  exists: true,
  etag: '"r2"',
  equivalentEtags: ['"r2+gzip"', '"r2+br"'],
  lastModified: MODIFIED,
  lastModifiedIsWeak: false,
};
/** Another revision was written in the same second, so Last-Modified is a weak validator (§8.8.2.2). */
const PAGE_WEAK_DATE: CurrentRepresentation = { ...PAGE, lastModifiedIsWeak: true };
const PAGE_NO_ETAG: CurrentRepresentation = { exists: true, lastModified: MODIFIED };
const PAGE_NO_DATE: CurrentRepresentation = { exists: true, etag: '"r2"' };
const PAGE_COMMA_ETAG: CurrentRepresentation = { exists: true, etag: '"a,b"', lastModified: MODIFIED };
const MISSING: CurrentRepresentation = { exists: false };
/** The same revision when the request selects its gzip variant. */
const GZIP_SELECTED: CurrentRepresentation = { ...PAGE, etag: '"r2+gzip"', equivalentEtags: ['"r2"', '"r2+br"'] };

const PROCEED: Decision = { outcome: 'proceed', ignoreRange: false };
const FULL_RESPONSE: Decision = { outcome: 'proceed', ignoreRange: true };
const NOT_MODIFIED: Decision = { outcome: 'not-modified' };
const REQUIRED: Decision = { outcome: 'precondition-required' };
const failed = (header: PreconditionHeader, malformed = false): Decision => ({ outcome: 'precondition-failed', header, malformed });

const READS = ['GET', 'HEAD'] as const;
const WRITES = ['PUT', 'DELETE'] as const;
const ALL = [...READS, ...WRITES] as const;
const REQUIRE: EvaluateOptions = { requirePrecondition: true, now: NOW };

interface Case {
  readonly name: string;
  readonly methods: readonly string[];
  readonly headers: Readonly<Record<string, HeaderValue>>;
  readonly current: CurrentRepresentation;
  readonly options?: EvaluateOptions;
  readonly expected: Decision;
}

function run(cases: readonly Case[]): void {
  for (const c of cases) {
    for (const method of c.methods) {
      test(`${c.name} [${method}]`, () => {
        const decision = evaluatePreconditions({ method, headers: c.headers }, c.current, c.options ?? { now: NOW });
        assert.deepEqual(decision, c.expected);
      });
    }
  }
}

describe('§13.1.1 If-Match (step 1: strong comparison)', () => {
  run([
    { name: 'the current strong tag is true', methods: ALL, headers: { 'if-match': '"r2"' }, current: PAGE, expected: PROCEED },
    { name: 'a stale tag is false: 412', methods: ALL, headers: { 'if-match': '"r1"' }, current: PAGE, expected: failed('If-Match') },
    { name: 'a list holding the current tag is true', methods: ALL, headers: { 'if-match': '"r0", "r1", "r2"' }, current: PAGE, expected: PROCEED },
    { name: 'a list of stale tags is false', methods: ALL, headers: { 'if-match': '"r0", "r1"' }, current: PAGE, expected: failed('If-Match') },
    { name: 'the current tag on a second field line is true (§5.3)', methods: ALL, headers: { 'if-match': ['"r1"', '"r2"'] }, current: PAGE, expected: PROCEED },
    { name: 'empty list members around the current tag are ignored (§5.6.1.2)', methods: ALL, headers: { 'if-match': ' , "r2" ,, ' }, current: PAGE, expected: PROCEED },
    { name: '"*" is true when a current representation exists', methods: ALL, headers: { 'if-match': '*' }, current: PAGE, expected: PROCEED },
    { name: '"*" is false without a current representation: 412, never create', methods: ['PUT', 'DELETE', 'POST'], headers: { 'if-match': '*' }, current: MISSING, expected: failed('If-Match') },
    { name: 'a tag is false without a current representation', methods: ['PUT', 'DELETE'], headers: { 'if-match': '"r2"' }, current: MISSING, expected: failed('If-Match') },
    // Pitfall (nginx, pillarjs/send): a weak tag never matches in a strong comparison.
    { name: 'a weak tag never matches, even with the current opaque-tag', methods: ALL, headers: { 'if-match': 'W/"r2"' }, current: PAGE, expected: failed('If-Match') },
    { name: 'a weak current tag never matches, even when echoed', methods: ALL, headers: { 'if-match': 'W/"r2"' }, current: { ...PAGE, etag: 'W/"r2"', equivalentEtags: [] }, expected: failed('If-Match') },
    // §8.8.3.3: a content-coded variant of the same revision is accepted (nginx/Apache pitfall).
    { name: 'the tag of a content-coded variant of the revision is true', methods: ALL, headers: { 'if-match': '"r2+gzip"' }, current: PAGE, expected: PROCEED },
    { name: 'the weak form of a coded variant tag is still false', methods: ALL, headers: { 'if-match': 'W/"r2+gzip"' }, current: PAGE, expected: failed('If-Match') },
    { name: 'a tag holding a comma is compared whole', methods: ALL, headers: { 'if-match': '"a,b"' }, current: PAGE_COMMA_ETAG, expected: PROCEED },
    { name: 'part of a comma-holding tag does not match', methods: ALL, headers: { 'if-match': '"a"' }, current: PAGE_COMMA_ETAG, expected: failed('If-Match') },
    { name: 'a representation without an ETag fails any tag', methods: ALL, headers: { 'if-match': '"r2"' }, current: PAGE_NO_ETAG, expected: failed('If-Match') },
    { name: 'an empty field lists no tag, so nothing matches', methods: ALL, headers: { 'if-match': '' }, current: PAGE, expected: failed('If-Match') },
    { name: 'an opaque-tag differing only in case is false', methods: ALL, headers: { 'if-match': '"R2"' }, current: PAGE, expected: failed('If-Match') },
  ]);
});

describe('§13.1.1 If-Match that is malformed: 412 with malformed: true, never proceed', () => {
  run([
    { name: 'an unquoted tag', methods: ALL, headers: { 'if-match': 'r2' }, current: PAGE, expected: failed('If-Match', true) },
    { name: 'lowercase w/', methods: ALL, headers: { 'if-match': 'w/"r2"' }, current: PAGE, expected: failed('If-Match', true) },
    { name: '"*" mixed with tags', methods: ALL, headers: { 'if-match': '*, "r2"' }, current: PAGE, expected: failed('If-Match', true) },
    { name: 'the current tag followed by garbage', methods: ALL, headers: { 'if-match': '"r2", junk' }, current: PAGE, expected: failed('If-Match', true) },
    { name: 'a missing closing quote', methods: ALL, headers: { 'if-match': '"r2' }, current: PAGE, expected: failed('If-Match', true) },
    { name: 'malformed on a write with requirePrecondition is 412, not 428', methods: WRITES, headers: { 'if-match': 'r2' }, current: PAGE, options: REQUIRE, expected: failed('If-Match', true) },
    { name: 'malformed on a missing resource', methods: ['PUT'], headers: { 'if-match': 'nope' }, current: MISSING, options: REQUIRE, expected: failed('If-Match', true) },
    { name: 'malformed beside a passing If-None-Match', methods: ALL, headers: { 'if-match': 'r2', 'if-none-match': '"r1"' }, current: PAGE, expected: failed('If-Match', true) },
  ]);
});

describe('§13.1.4 If-Unmodified-Since (step 2: only when If-Match is absent)', () => {
  run([
    { name: 'a date after Last-Modified is true', methods: ALL, headers: { 'if-unmodified-since': DATE_LATER }, current: PAGE, expected: PROCEED },
    { name: 'a date before Last-Modified is false: 412', methods: ALL, headers: { 'if-unmodified-since': DATE_EARLIER }, current: PAGE, expected: failed('If-Unmodified-Since') },
    { name: 'the Last-Modified second itself is true when the date is strong (milliseconds dropped)', methods: ALL, headers: { 'if-unmodified-since': DATE_SAME_SECOND }, current: PAGE, expected: PROCEED },
    // Same-second edits (MediaWiki T246726): a weak date cannot prove nothing changed in that second.
    { name: 'the Last-Modified second is false when another revision shares it (weak date, §8.8.2.2)', methods: ALL, headers: { 'if-unmodified-since': DATE_SAME_SECOND }, current: PAGE_WEAK_DATE, expected: failed('If-Unmodified-Since') },
    { name: 'a later second is true even when the date is weak', methods: ALL, headers: { 'if-unmodified-since': DATE_LATER }, current: PAGE_WEAK_DATE, expected: PROCEED },
    { name: 'the RFC 850 form is a valid date too', methods: ALL, headers: { 'if-unmodified-since': DATE_SAME_SECOND_RFC850 }, current: PAGE, expected: PROCEED },
    { name: 'the asctime form is a valid date too', methods: ALL, headers: { 'if-unmodified-since': DATE_EARLIER_ASCTIME }, current: PAGE, expected: failed('If-Unmodified-Since') },
    // §13.1.4: "A recipient MUST ignore the If-Unmodified-Since header field if the resource does not have a modification date available."
    { name: 'without a current representation it is ignored', methods: ['PUT', 'DELETE'], headers: { 'if-unmodified-since': DATE_EARLIER }, current: MISSING, expected: PROCEED },
    { name: 'without a current representation it protects nothing: 428 with requirePrecondition', methods: ['PUT', 'DELETE'], headers: { 'if-unmodified-since': DATE_LATER }, current: MISSING, options: REQUIRE, expected: REQUIRED },
    { name: 'without a Last-Modified it is ignored', methods: ALL, headers: { 'if-unmodified-since': DATE_EARLIER }, current: PAGE_NO_DATE, expected: PROCEED },
    { name: 'without a Last-Modified it protects nothing: 428 with requirePrecondition', methods: WRITES, headers: { 'if-unmodified-since': DATE_LATER }, current: PAGE_NO_DATE, options: REQUIRE, expected: REQUIRED },
    { name: 'an invalid date is ignored, not false', methods: ALL, headers: { 'if-unmodified-since': 'yesterday' }, current: PAGE, expected: PROCEED },
    { name: 'an ISO 8601 date is not an HTTP-date, so it is ignored', methods: ALL, headers: { 'if-unmodified-since': '2024-01-01T00:00:00Z' }, current: PAGE, expected: PROCEED },
    { name: '"0" is not a date (Date.parse reads 2000), so it is ignored', methods: ALL, headers: { 'if-unmodified-since': '0' }, current: PAGE, expected: PROCEED },
    { name: 'a list of two dates is ignored (§13.1.4)', methods: ALL, headers: { 'if-unmodified-since': [DATE_EARLIER, DATE_EARLIER] }, current: PAGE, expected: PROCEED },
    { name: 'a single field line in an array is still read', methods: ALL, headers: { 'if-unmodified-since': [DATE_EARLIER] }, current: PAGE, expected: failed('If-Unmodified-Since') },
    { name: 'an invalid date on a write with requirePrecondition leaves it unprotected: 428', methods: WRITES, headers: { 'if-unmodified-since': 'yesterday' }, current: PAGE, options: REQUIRE, expected: REQUIRED },
    { name: 'a valid date on a write with requirePrecondition is evaluated', methods: WRITES, headers: { 'if-unmodified-since': DATE_EARLIER }, current: PAGE, options: REQUIRE, expected: failed('If-Unmodified-Since') },
    // §13.2.2 step 2 runs only when If-Match is absent (nginx and Apache evaluate both).
    { name: 'ignored when If-Match is true, even if stale', methods: ALL, headers: { 'if-match': '"r2"', 'if-unmodified-since': DATE_EARLIER }, current: PAGE, expected: PROCEED },
    { name: 'ignored when If-Match is "*"', methods: ALL, headers: { 'if-match': '*', 'if-unmodified-since': DATE_EARLIER }, current: PAGE, expected: PROCEED },
    { name: 'a false If-Match is the one reported, even beside a passing date', methods: ALL, headers: { 'if-match': '"r1"', 'if-unmodified-since': DATE_LATER }, current: PAGE, expected: failed('If-Match') },
  ]);
});

describe('§13.1.2 If-None-Match (step 3: weak comparison)', () => {
  run([
    { name: 'the current tag: 304 on a read', methods: READS, headers: { 'if-none-match': '"r2"' }, current: PAGE, expected: NOT_MODIFIED },
    { name: 'the current tag: 412 on a write', methods: [...WRITES, 'POST', 'PATCH'], headers: { 'if-none-match': '"r2"' }, current: PAGE, expected: failed('If-None-Match') },
    { name: 'a weak tag matches the strong current tag: 304', methods: READS, headers: { 'if-none-match': 'W/"r2"' }, current: PAGE, expected: NOT_MODIFIED },
    { name: 'a weak tag matches the strong current tag: 412 on a write', methods: WRITES, headers: { 'if-none-match': 'W/"r2"' }, current: PAGE, expected: failed('If-None-Match') },
    { name: 'a list holding the current tag: 304 (parsed, not compared as one string)', methods: READS, headers: { 'if-none-match': '"r0", "r1", "r2"' }, current: PAGE, expected: NOT_MODIFIED },
    { name: 'the current tag on a second field line: 304 (§5.3)', methods: READS, headers: { 'if-none-match': ['"r1"', '"r2"'] }, current: PAGE, expected: NOT_MODIFIED },
    // RFC 9111 §4.3.4: a 304 names the selected representation; a cache holding another variant could not use it.
    { name: 'another variant\'s tag of the revision on a read: 200, not a 304 naming the identity tag', methods: READS, headers: { 'if-none-match': '"r2+br"' }, current: PAGE, expected: PROCEED },
    { name: 'a weakened tag of another variant (nginx style) on a read: 200', methods: READS, headers: { 'if-none-match': 'W/"r2+gzip"' }, current: PAGE, expected: PROCEED },
    { name: 'the selected coded variant\'s own tag: 304', methods: READS, headers: { 'if-none-match': '"r2+gzip"' }, current: GZIP_SELECTED, expected: NOT_MODIFIED },
    { name: 'the identity tag when the gzip variant is selected: 200, not a 304 naming "r2+gzip"', methods: READS, headers: { 'if-none-match': '"r2"' }, current: GZIP_SELECTED, expected: PROCEED },
    { name: 'the identity tag on a write while a coded variant is selected: 412', methods: WRITES, headers: { 'if-none-match': '"r2"' }, current: GZIP_SELECTED, expected: failed('If-None-Match') },
    { name: 'a content-coded variant of the revision: 412 on a write', methods: WRITES, headers: { 'if-none-match': '"r2+gzip"' }, current: PAGE, expected: failed('If-None-Match') },
    { name: 'only stale tags is true', methods: ALL, headers: { 'if-none-match': '"r0", W/"r1"' }, current: PAGE, expected: PROCEED },
    { name: 'a stale comma-holding tag does not match by its halves', methods: READS, headers: { 'if-none-match': '"x,r2"' }, current: PAGE, expected: PROCEED },
    { name: '"*" on an existing representation: 304 on a read', methods: READS, headers: { 'if-none-match': '*' }, current: PAGE, expected: NOT_MODIFIED },
    { name: '"*" on an existing representation: 412 on a write (nginx DAV pitfall)', methods: [...WRITES, 'POST'], headers: { 'if-none-match': '*' }, current: PAGE, expected: failed('If-None-Match') },
    { name: '"*" without a current representation is true (create-only)', methods: ['PUT', 'POST'], headers: { 'if-none-match': '*' }, current: MISSING, expected: PROCEED },
    { name: '"*" without a current representation satisfies requirePrecondition', methods: ['PUT'], headers: { 'if-none-match': '*' }, current: MISSING, options: REQUIRE, expected: PROCEED },
    { name: 'a tag without a current representation is true', methods: ['PUT'], headers: { 'if-none-match': '"r2"' }, current: MISSING, expected: PROCEED },
    { name: 'a representation without an ETag matches no tag', methods: READS, headers: { 'if-none-match': '"r2"' }, current: PAGE_NO_ETAG, expected: PROCEED },
    { name: 'malformed is ignored on a read: 200', methods: READS, headers: { 'if-none-match': 'r2' }, current: PAGE, expected: PROCEED },
    { name: 'malformed "*" mixed with tags is ignored on a read', methods: READS, headers: { 'if-none-match': '*, "r2"' }, current: PAGE, expected: PROCEED },
    { name: 'malformed fails a write rather than leave it unconditional: 412', methods: WRITES, headers: { 'if-none-match': 'r2' }, current: PAGE, expected: failed('If-None-Match', true) },
    { name: 'malformed fails a create on a missing resource too', methods: ['PUT'], headers: { 'if-none-match': 'w/"r2"' }, current: MISSING, options: REQUIRE, expected: failed('If-None-Match', true) },
    // §13.2.2: step 1 comes first, then step 3.
    { name: 'evaluated after a true If-Match: 304', methods: READS, headers: { 'if-match': '"r2"', 'if-none-match': '"r2"' }, current: PAGE, expected: NOT_MODIFIED },
    { name: 'a false If-Match wins over a matching If-None-Match', methods: ALL, headers: { 'if-match': '"r1"', 'if-none-match': '*' }, current: PAGE, expected: failed('If-Match') },
    { name: 'a false If-Unmodified-Since wins over a matching If-None-Match', methods: ALL, headers: { 'if-unmodified-since': DATE_EARLIER, 'if-none-match': '"r2"' }, current: PAGE, expected: failed('If-Unmodified-Since') },
  ]);
});

describe('§13.1.3 If-Modified-Since (step 4: GET and HEAD only, when If-None-Match is absent)', () => {
  run([
    { name: 'the Last-Modified second (strong date): 304', methods: READS, headers: { 'if-modified-since': DATE_SAME_SECOND }, current: PAGE, expected: NOT_MODIFIED },
    { name: 'a later date (not in the future): 304', methods: READS, headers: { 'if-modified-since': DATE_LATER }, current: PAGE, expected: NOT_MODIFIED },
    { name: 'the server clock\'s own second is not in the future: 304', methods: READS, headers: { 'if-modified-since': DATE_NOW }, current: PAGE, expected: NOT_MODIFIED },
    { name: 'an earlier date: 200', methods: READS, headers: { 'if-modified-since': DATE_EARLIER }, current: PAGE, expected: PROCEED },
    { name: 'the RFC 850 form of the Last-Modified second: 304', methods: READS, headers: { 'if-modified-since': DATE_SAME_SECOND_RFC850 }, current: PAGE, expected: NOT_MODIFIED },
    { name: 'the Last-Modified second when another revision shares it (weak date): 200, not 304', methods: READS, headers: { 'if-modified-since': DATE_SAME_SECOND }, current: PAGE_WEAK_DATE, expected: PROCEED },
    { name: 'a later second with a weak date: 304', methods: READS, headers: { 'if-modified-since': DATE_LATER }, current: PAGE_WEAK_DATE, expected: NOT_MODIFIED },
    { name: 'a date later than the server clock is ignored: 200', methods: READS, headers: { 'if-modified-since': DATE_FUTURE }, current: PAGE, expected: PROCEED },
    { name: 'an invalid date is ignored: 200', methods: READS, headers: { 'if-modified-since': 'Sat, 01 Jun 2024' }, current: PAGE, expected: PROCEED },
    { name: '"0" is not a date, so it is ignored: 200 (fresh/send answer 304)', methods: READS, headers: { 'if-modified-since': '0' }, current: PAGE, expected: PROCEED },
    { name: 'an ISO 8601 date is ignored: 200', methods: READS, headers: { 'if-modified-since': '2024-06-10T00:00:00Z' }, current: PAGE, expected: PROCEED },
    { name: 'a list of two dates is ignored: 200', methods: READS, headers: { 'if-modified-since': [DATE_LATER, DATE_LATER] }, current: PAGE, expected: PROCEED },
    { name: 'a representation without Last-Modified: 200', methods: READS, headers: { 'if-modified-since': DATE_LATER }, current: PAGE_NO_DATE, expected: PROCEED },
    { name: 'ignored on unsafe methods (never 304 on a write)', methods: [...WRITES, 'POST', 'PATCH'], headers: { 'if-modified-since': DATE_LATER }, current: PAGE, expected: PROCEED },
    { name: 'ignored on a write that carries no other precondition: 428 with requirePrecondition', methods: WRITES, headers: { 'if-modified-since': DATE_EARLIER }, current: PAGE, options: REQUIRE, expected: REQUIRED },
    // §13.1.3: "A recipient MUST ignore If-Modified-Since if the request contains an If-None-Match header field".
    { name: 'ignored beside a stale If-None-Match: 200, not 304 (nginx/Apache/fresh pitfall)', methods: READS, headers: { 'if-none-match': '"r1"', 'if-modified-since': DATE_LATER }, current: PAGE, expected: PROCEED },
    { name: 'ignored beside a matching If-None-Match: 304 even with an old date', methods: READS, headers: { 'if-none-match': '"r2"', 'if-modified-since': DATE_EARLIER }, current: PAGE, expected: NOT_MODIFIED },
    { name: 'ignored beside a malformed If-None-Match, which is still present: 200', methods: READS, headers: { 'if-none-match': 'r2', 'if-modified-since': DATE_LATER }, current: PAGE, expected: PROCEED },
    { name: 'ignored beside an If-None-Match that lists nothing: 200', methods: READS, headers: { 'if-none-match': '', 'if-modified-since': DATE_LATER }, current: PAGE, expected: PROCEED },
    { name: 'evaluated after a true If-Match', methods: READS, headers: { 'if-match': '"r2"', 'if-modified-since': DATE_LATER }, current: PAGE, expected: NOT_MODIFIED },
  ]);
});

describe('§13.1.5 If-Range (step 5: GET with Range only)', () => {
  const range = { range: 'bytes=0-9' };
  run([
    { name: 'the exact strong current tag keeps the range', methods: ['GET'], headers: { ...range, 'if-range': '"r2"' }, current: PAGE, expected: PROCEED },
    { name: 'the exact tag with surrounding OWS keeps the range', methods: ['GET'], headers: { ...range, 'if-range': ' "r2" ' }, current: PAGE, expected: PROCEED },
    { name: 'a weak tag gives the full representation (send pitfall)', methods: ['GET'], headers: { ...range, 'if-range': 'W/"r2"' }, current: PAGE, expected: FULL_RESPONSE },
    { name: 'a stale tag gives the full representation', methods: ['GET'], headers: { ...range, 'if-range': '"r1"' }, current: PAGE, expected: FULL_RESPONSE },
    { name: 'a content-coded variant tag gives the full representation (its bytes differ)', methods: ['GET'], headers: { ...range, 'if-range': '"r2+gzip"' }, current: PAGE, expected: FULL_RESPONSE },
    { name: 'a list of tags is not an If-Range value', methods: ['GET'], headers: { ...range, 'if-range': '"r1", "r2"' }, current: PAGE, expected: FULL_RESPONSE },
    { name: 'a malformed tag gives the full representation', methods: ['GET'], headers: { ...range, 'if-range': '"r2' }, current: PAGE, expected: FULL_RESPONSE },
    { name: 'a representation without an ETag cannot match a tag', methods: ['GET'], headers: { ...range, 'if-range': '"r2"' }, current: PAGE_NO_ETAG, expected: FULL_RESPONSE },
    { name: 'a date equal to a strong Last-Modified keeps the range', methods: ['GET'], headers: { ...range, 'if-range': DATE_SAME_SECOND }, current: PAGE, expected: PROCEED },
    { name: 'a later date gives the full representation (only an exact match counts)', methods: ['GET'], headers: { ...range, 'if-range': DATE_LATER }, current: PAGE, expected: FULL_RESPONSE },
    { name: 'an earlier date gives the full representation', methods: ['GET'], headers: { ...range, 'if-range': DATE_EARLIER }, current: PAGE, expected: FULL_RESPONSE },
    { name: 'an equal but weak date gives the full representation', methods: ['GET'], headers: { ...range, 'if-range': DATE_SAME_SECOND }, current: PAGE_WEAK_DATE, expected: FULL_RESPONSE },
    { name: 'a date without a Last-Modified gives the full representation', methods: ['GET'], headers: { ...range, 'if-range': DATE_SAME_SECOND }, current: PAGE_NO_DATE, expected: FULL_RESPONSE },
    { name: 'a value that is neither tag nor date gives the full representation', methods: ['GET'], headers: { ...range, 'if-range': 'r2' }, current: PAGE, expected: FULL_RESPONSE },
    { name: 'Range without If-Range keeps the range', methods: ['GET'], headers: range, current: PAGE, expected: PROCEED },
    { name: 'If-Range without Range is not evaluated', methods: ['GET'], headers: { 'if-range': '"r1"' }, current: PAGE, expected: PROCEED },
    { name: 'If-Range on a method other than GET is not evaluated', methods: ['HEAD', 'PUT', 'POST'], headers: { ...range, 'if-range': '"r1"' }, current: PAGE, expected: PROCEED },
    { name: 'steps 1-4 come first: a matching If-None-Match is 304 whatever If-Range says', methods: ['GET'], headers: { ...range, 'if-range': '"r1"', 'if-none-match': '"r2"' }, current: PAGE, expected: NOT_MODIFIED },
    { name: 'steps 1-4 come first: a false If-Match is 412 whatever If-Range says', methods: ['GET'], headers: { ...range, 'if-range': '"r2"', 'if-match': '"r1"' }, current: PAGE, expected: failed('If-Match') },
    { name: 'a true If-Match then a stale If-Range gives the full representation', methods: ['GET'], headers: { ...range, 'if-range': '"r1"', 'if-match': '"r2"' }, current: PAGE, expected: FULL_RESPONSE },
  ]);
});

describe('RFC 6585 §3 requirePrecondition: 428 for a write that carries no usable precondition', () => {
  run([
    { name: 'no conditional header at all', methods: [...WRITES, 'POST', 'PATCH'], headers: {}, current: PAGE, options: REQUIRE, expected: REQUIRED },
    { name: 'no conditional header on a missing resource', methods: ['PUT'], headers: {}, current: MISSING, options: REQUIRE, expected: REQUIRED },
    { name: 'never for a safe read', methods: READS, headers: {}, current: PAGE, options: REQUIRE, expected: PROCEED },
    { name: 'a safe read still gets its 304', methods: READS, headers: { 'if-none-match': '"r2"' }, current: PAGE, options: REQUIRE, expected: NOT_MODIFIED },
    { name: 'an If-None-Match with no members protects nothing', methods: WRITES, headers: { 'if-none-match': '' }, current: PAGE, options: REQUIRE, expected: REQUIRED },
    { name: 'an If-None-Match of only commas protects nothing', methods: WRITES, headers: { 'if-none-match': ' , ,' }, current: PAGE, options: REQUIRE, expected: REQUIRED },
    { name: 'If-Modified-Since alone does not protect a write', methods: WRITES, headers: { 'if-modified-since': DATE_LATER }, current: PAGE, options: REQUIRE, expected: REQUIRED },
    { name: 'If-Range alone does not protect a write', methods: WRITES, headers: { 'if-range': '"r2"', range: 'bytes=0-1' }, current: PAGE, options: REQUIRE, expected: REQUIRED },
    { name: 'an If-Unmodified-Since list of two dates is ignored, so it does not protect', methods: WRITES, headers: { 'if-unmodified-since': [DATE_LATER, DATE_LATER] }, current: PAGE, options: REQUIRE, expected: REQUIRED },
    { name: 'a matching If-Match satisfies it', methods: WRITES, headers: { 'if-match': '"r2"' }, current: PAGE, options: REQUIRE, expected: PROCEED },
    { name: 'a stale If-Match is 412, not 428', methods: WRITES, headers: { 'if-match': '"r1"' }, current: PAGE, options: REQUIRE, expected: failed('If-Match') },
    { name: 'an empty If-Match is a precondition that fails, not 428', methods: WRITES, headers: { 'if-match': '' }, current: PAGE, options: REQUIRE, expected: failed('If-Match') },
    { name: 'a stale If-None-Match tag satisfies it', methods: WRITES, headers: { 'if-none-match': '"r1"' }, current: PAGE, options: REQUIRE, expected: PROCEED },
    { name: 'a valid later If-Unmodified-Since satisfies it', methods: WRITES, headers: { 'if-unmodified-since': DATE_LATER }, current: PAGE, options: REQUIRE, expected: PROCEED },
    { name: 'without the option, an unconditional write proceeds', methods: [...WRITES, 'POST'], headers: {}, current: PAGE, expected: PROCEED },
  ]);
});

describe('only GET and HEAD are safe reads for the engine', () => {
  run([
    { name: 'OPTIONS is not a safe read for the engine: If-None-Match "*" fails', methods: ['OPTIONS'], headers: { 'if-none-match': '*' }, current: PAGE, expected: failed('If-None-Match') },
  ]);
});

describe('hasWritePrecondition (RFC 6585 §3: can the request protect a write?)', () => {
  const cases: ReadonlyArray<readonly [name: string, headers: Record<string, HeaderValue>, expected: boolean]> = [
    ['no headers', {}, false],
    ['If-Match with a tag', { 'if-match': '"r2"' }, true],
    ['If-Match "*"', { 'if-match': '*' }, true],
    ['malformed If-Match still counts (it then fails with 412)', { 'if-match': 'r2' }, true],
    ['empty If-Match still counts (it then fails with 412)', { 'if-match': '' }, true],
    ['If-None-Match "*"', { 'if-none-match': '*' }, true],
    ['If-None-Match with a tag', { 'if-none-match': 'W/"r1"' }, true],
    ['malformed If-None-Match counts (it then fails a write with 412)', { 'if-none-match': 'r1' }, true],
    ['If-None-Match listing no members', { 'if-none-match': ' , ' }, false],
    ['If-None-Match as no field lines', { 'if-none-match': [] }, false],
    ['valid If-Unmodified-Since', { 'if-unmodified-since': DATE_LATER }, true],
    ['valid RFC 850 If-Unmodified-Since', { 'if-unmodified-since': DATE_SAME_SECOND_RFC850 }, true],
    ['invalid If-Unmodified-Since is ignored', { 'if-unmodified-since': 'tomorrow' }, false],
    ['If-Unmodified-Since with two dates is ignored', { 'if-unmodified-since': [DATE_LATER, DATE_LATER] }, false],
    ['If-Modified-Since does not protect a write', { 'if-modified-since': DATE_LATER }, false],
    ['If-Range does not protect a write', { 'if-range': '"r2"' }, false],
    ['a header explicitly undefined is absent', { 'if-match': undefined }, false],
  ];
  for (const [name, headers, expected] of cases) {
    test(name, () => assert.equal(hasWritePrecondition(headers, NOW), expected));
  }
  test('given a missing representation, If-Unmodified-Since does not count (it has no date to compare, §13.1.4)', () => {
    assert.equal(hasWritePrecondition({ 'if-unmodified-since': DATE_LATER }, NOW, MISSING), false);
    assert.equal(hasWritePrecondition({ 'if-unmodified-since': DATE_LATER }, NOW, PAGE), true);
    assert.equal(hasWritePrecondition({ 'if-none-match': '*' }, NOW, MISSING), true);
  });
});

describe('inputs are never mutated', () => {
  function deepFreeze<T>(value: T): T {
    if (value !== null && typeof value === 'object') {
      for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
      Object.freeze(value);
    }
    return value;
  }

  const requests = [
    { method: 'GET', headers: { 'if-none-match': ['"r1"', 'W/"r2"'], 'if-modified-since': DATE_LATER, range: 'bytes=0-1', 'if-range': '"r1"' } },
    { method: 'PUT', headers: { 'if-match': ['"r2"', '"r3"'], 'if-unmodified-since': [DATE_EARLIER], 'if-none-match': '*' } },
    { method: 'DELETE', headers: { 'if-match': 'garbage' } },
    { method: 'POST', headers: {} },
  ];
  for (const request of requests) {
    test(`${request.method} with ${Object.keys(request.headers).join(', ') || 'no headers'}`, () => {
      const current: CurrentRepresentation = { ...PAGE, equivalentEtags: [...PAGE.equivalentEtags!] };
      const options: EvaluateOptions = { requirePrecondition: true, now: NOW };
      const before = structuredClone({ request, current, options });
      // Frozen inputs make any write attempt throw (modules run in strict mode).
      evaluatePreconditions(deepFreeze(structuredClone(request)), deepFreeze(structuredClone(current)), deepFreeze({ ...options }));
      const decision = evaluatePreconditions(request, current, options);
      assert.deepEqual({ request, current, options }, before);
      assert.notEqual(decision, undefined);
    });
  }
});
