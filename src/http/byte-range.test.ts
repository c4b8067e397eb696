import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseByteRange, type RangeRequest } from './byte-range.js';

const one = (start: number, end: number): RangeRequest => ({ kind: 'one', range: { start, end } });
const IGNORE: RangeRequest = { kind: 'ignore' };
const UNSATISFIABLE: RangeRequest = { kind: 'unsatisfiable' };

// [name, Range, size, expected]
const cases: ReadonlyArray<readonly [string, string, number, RangeRequest]> = [
  ['first-last', 'bytes=0-4', 100, one(0, 4)],
  ['open-ended', 'bytes=90-', 100, one(90, 99)],
  ['suffix', 'bytes=-10', 100, one(90, 99)],
  ['a suffix longer than the representation is all of it', 'bytes=-500', 100, one(0, 99)],
  ['last-pos past the end is clipped', 'bytes=95-500', 100, one(95, 99)],
  ['§14.1: the unit is case-insensitive', 'Bytes=0-4', 100, one(0, 4)],
  ['OWS and empty members around list commas', 'bytes= 0-4 , ', 100, one(0, 4)],
  ['several satisfiable ranges are served whole (§14.2 allows ignoring Range)', 'bytes=0-1,5-6', 100, IGNORE],
  ['only one member of a set overlaps: that one', 'bytes=0-1,500-600', 100, one(0, 1)],
  ['§14.2: another unit is ignored whatever its numbers', 'items=100-', 100, IGNORE],
  ['another unit within the length is ignored too', 'items=0-4', 100, IGNORE],
  ['§14.1.1: last-pos below first-pos makes the whole set invalid', 'bytes=1-4,5-2', 100, IGNORE],
  ['a member that is no range makes the set invalid', 'bytes=0-4,abc', 100, IGNORE],
  ['a negative first-pos is no range', 'bytes=--1', 100, IGNORE],
  ['no ranges at all', 'bytes=', 100, IGNORE],
  ['no "="', 'bytes 0-4', 100, IGNORE],
  ['a unit that is not a token', 'by tes=0-4', 100, IGNORE],
  ['wholly past the end: 416', 'bytes=100-200', 100, UNSATISFIABLE],
  ['a zero-length suffix is unsatisfiable', 'bytes=-0', 100, UNSATISFIABLE],
  ['any range of an empty representation is unsatisfiable', 'bytes=0-', 0, UNSATISFIABLE],
];

for (const [name, range, size, expected] of cases) {
  test(`${name}: ${range} of ${size} bytes`, () => assert.deepEqual(parseByteRange(range, size), expected));
}
