// HTTP-date (RFC 9110 §5.6.7): three formats, case-sensitive, always GMT.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatHttpDate, parseHttpDate, toHttpSeconds } from './http-date.js';

// Sun, 06 Nov 1994 08:49:37 GMT — the RFC's own example instant, as a literal so no clock or TZ is involved.
const RFC_EXAMPLE = 784_111_777_000;
// A fixed "now" (Sat, 15 Jun 2024 12:00:00 GMT) for the RFC 850 century rule.
const NOW_2024 = 1_718_452_800_000;

describe('the three formats name the same instant (§5.6.7)', () => {
  const cases: ReadonlyArray<readonly [name: string, value: string]> = [
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT'],
    ['obsolete RFC 850 format', 'Sunday, 06-Nov-94 08:49:37 GMT'],
    ['obsolete asctime format, day as SP DIGIT', 'Sun Nov  6 08:49:37 1994'],
    ['obsolete asctime format, day as 2DIGIT', 'Sun Nov 06 08:49:37 1994'],
    ['IMF-fixdate with surrounding OWS', ' \tSun, 06 Nov 1994 08:49:37 GMT\t '],
  ];
  for (const [name, value] of cases) {
    test(`${name}: ${JSON.stringify(value)}`, () => assert.equal(parseHttpDate(value, NOW_2024), RFC_EXAMPLE));
  }

  test('asctime carries no zone and is read as GMT, not local time (exact epoch value)', () => {
    // Whatever process.env.TZ is, the value must be this exact instant.
    assert.equal(parseHttpDate('Sun Nov  6 08:49:37 1994'), Date.UTC(1994, 10, 6, 8, 49, 37));
    assert.equal(parseHttpDate('Thu Jan  1 00:00:00 1970'), 0);
  });
});

describe('RFC 850 two-digit years (§5.6.7: more than 50 years ahead means the previous century)', () => {
  const cases: ReadonlyArray<readonly [name: string, value: string, now: number, year: number]> = [
    ['94 seen in 2024 is 1994 (2094 would be 70 years ahead)', 'Sunday, 06-Nov-94 08:49:37 GMT', NOW_2024, 1994],
    ['30 seen in 2024 is 2030 (6 years ahead)', 'Wednesday, 06-Nov-30 08:49:37 GMT', NOW_2024, 2030],
    ['74 seen in 2024 is 2074 (exactly 50 years ahead is not more than 50)', 'Tuesday, 06-Nov-74 08:49:37 GMT', NOW_2024, 2074],
    ['75 seen in 2024 is 1975 (51 years ahead)', 'Thursday, 06-Nov-75 08:49:37 GMT', NOW_2024, 1975],
    ['00 seen in 2024 is 2000', 'Saturday, 01-Jan-00 00:00:00 GMT', NOW_2024, 2000],
    ['94 seen in 1990 is 1994', 'Sunday, 06-Nov-94 08:49:37 GMT', Date.UTC(1990, 0, 1), 1994],
    ['75 seen in 2030 is 2075 (45 years ahead)', 'Wednesday, 06-Nov-75 08:49:37 GMT', Date.UTC(2030, 0, 1), 2075],
  ];
  for (const [name, value, now, year] of cases) {
    test(name, () => {
      const parsed = parseHttpDate(value, now);
      assert.notEqual(parsed, undefined);
      assert.equal(new Date(parsed!).getUTCFullYear(), year);
    });
  }
});

describe('valid edge values', () => {
  const cases: ReadonlyArray<readonly [name: string, value: string, expected: number]> = [
    ['a leap second (second 60) is accepted and lands on the next second', 'Sat, 31 Dec 2016 23:59:60 GMT', Date.UTC(2017, 0, 1, 0, 0, 0)],
    ['29 Feb in a leap year', 'Thu, 29 Feb 2024 00:00:00 GMT', Date.UTC(2024, 1, 29)],
    ['the epoch', 'Thu, 01 Jan 1970 00:00:00 GMT', 0],
    ['the last second of year 9999', 'Fri, 31 Dec 9999 23:59:59 GMT', 253_402_300_799_000],
    ['a year before 1970 (negative instant)', 'Tue, 01 Jan 1901 00:00:00 GMT', -2_177_452_800_000],
    // year = 4DIGIT: 0050 is the year 50, not 1950 as Date.UTC would have it.
    ['a year below 100 is not moved to the 1900s', 'Sat, 01 Jan 0050 00:00:00 GMT', -60_589_296_000_000],
    ['a year below 100 in asctime is not moved to the 1900s', 'Sat Jan  1 00:00:00 0050', -60_589_296_000_000],
  ];
  for (const [name, value, expected] of cases) {
    test(name, () => assert.equal(parseHttpDate(value, NOW_2024), expected));
  }
});

describe('values that are not HTTP-dates are rejected', () => {
  const cases: ReadonlyArray<readonly [name: string, value: string]> = [
    ['"0" (Date.parse reads the year 2000)', '0'],
    ['an empty value', ''],
    ['ISO 8601 date-time', '1994-11-06T08:49:37Z'],
    ['ISO 8601 date', '1994-11-06'],
    ['a Date.parse-only form "Nov 6 1994"', 'Nov 6 1994'],
    ['a Date.parse-only form with a zone offset', 'Sun, 06 Nov 1994 08:49:37 +0000'],
    ['UTC instead of GMT', 'Sun, 06 Nov 1994 08:49:37 UTC'],
    ['GMT missing from IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37'],
    ['GMT missing from RFC 850', 'Sunday, 06-Nov-94 08:49:37'],
    ['GMT added to asctime', 'Sun Nov  6 08:49:37 1994 GMT'],
    ['lowercase gmt', 'Sun, 06 Nov 1994 08:49:37 gmt'],
    ['lowercase day name', 'sun, 06 Nov 1994 08:49:37 GMT'],
    ['uppercase day name', 'SUN, 06 Nov 1994 08:49:37 GMT'],
    ['lowercase month name', 'Sun, 06 nov 1994 08:49:37 GMT'],
    ['lowercase long day name in RFC 850', 'sunday, 06-Nov-94 08:49:37 GMT'],
    ['lowercase month in asctime', 'Sun nov  6 08:49:37 1994'],
    ['full month name', 'Sun, 06 November 1994 08:49:37 GMT'],
    ['long day name in IMF-fixdate', 'Sunday, 06 Nov 1994 08:49:37 GMT'],
    ['short day name in RFC 850', 'Sun, 06-Nov-94 08:49:37 GMT'],
    ['missing comma after the day name', 'Sun 06 Nov 1994 08:49:37 GMT'],
    ['dashes in IMF-fixdate', 'Sun, 06-Nov-1994 08:49:37 GMT'],
    ['spaces in RFC 850', 'Sunday, 06 Nov 94 08:49:37 GMT'],
    ['dots instead of colons', 'Sun, 06 Nov 1994 08.49.37 GMT'],
    ['two spaces after the comma', 'Sun,  06 Nov 1994 08:49:37 GMT'],
    ['one-digit day in IMF-fixdate', 'Sun, 6 Nov 1994 08:49:37 GMT'],
    ['two-digit year in IMF-fixdate', 'Sun, 06 Nov 94 08:49:37 GMT'],
    ['four-digit year in RFC 850', 'Sunday, 06-Nov-1994 08:49:37 GMT'],
    ['one-digit day in asctime without the padding space', 'Sun Nov 6 08:49:37 1994'],
    ['one-digit hour', 'Sun, 06 Nov 1994 8:49:37 GMT'],
    ['missing seconds', 'Sun, 06 Nov 1994 08:49 GMT'],
    ['fractional seconds', 'Sun, 06 Nov 1994 08:49:37.5 GMT'],
    ['31 Feb does not exist', 'Thu, 31 Feb 1994 08:49:37 GMT'],
    ['29 Feb in a non-leap year', 'Thu, 29 Feb 2001 00:00:00 GMT'],
    ['31 Apr does not exist', 'Sat, 31 Apr 1994 00:00:00 GMT'],
    ['day 00', 'Sun, 00 Nov 1994 08:49:37 GMT'],
    ['day 32', 'Sun, 32 Nov 1994 08:49:37 GMT'],
    ['hour 24', 'Sun, 06 Nov 1994 24:00:00 GMT'],
    ['minute 60', 'Sun, 06 Nov 1994 08:60:00 GMT'],
    ['second 61', 'Sun, 06 Nov 1994 08:49:61 GMT'],
    ['RFC 850 with hour 24', 'Sunday, 06-Nov-94 24:00:00 GMT'],
    ['asctime with 31 Feb', 'Thu Feb 31 08:49:37 1994'],
    ['trailing garbage', 'Sun, 06 Nov 1994 08:49:37 GMT x'],
    ['two dates as a list', 'Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT'],
    ['NBSP is not OWS (§5.6.3)', '\u00a0Sun, 06 Nov 1994 08:49:37 GMT'],
    ['a trailing line feed is not OWS', 'Sun, 06 Nov 1994 08:49:37 GMT\n'],
    ['non-ASCII digits', 'Sun, \u0660\u0666 Nov 1994 08:49:37 GMT'],
  ];
  for (const [name, value] of cases) {
    test(`${name}: ${JSON.stringify(value)}`, () => assert.equal(parseHttpDate(value, NOW_2024), undefined));
  }
});

describe('formatHttpDate (IMF-fixdate, the only form a sender generates)', () => {
  test('formats the RFC example instant', () => assert.equal(formatHttpDate(RFC_EXAMPLE), 'Sun, 06 Nov 1994 08:49:37 GMT'));
  test('drops milliseconds rather than rounding', () => assert.equal(formatHttpDate(RFC_EXAMPLE + 999), 'Sun, 06 Nov 1994 08:49:37 GMT'));
  test('pads the day to two digits', () => assert.equal(formatHttpDate(Date.UTC(2024, 1, 1)), 'Thu, 01 Feb 2024 00:00:00 GMT'));
  test('round-trips through parseHttpDate to the whole second', () => {
    for (const time of [0, RFC_EXAMPLE + 123, NOW_2024, 253_402_300_799_999]) {
      assert.equal(parseHttpDate(formatHttpDate(time)), Math.floor(time / 1000) * 1000);
    }
  });
});

describe('toHttpSeconds (one-second resolution)', () => {
  const cases: ReadonlyArray<readonly [time: number, seconds: number]> = [
    [0, 0],
    [999, 0],
    [1000, 1],
    [RFC_EXAMPLE + 999, RFC_EXAMPLE / 1000],
    [-1, -1], // floors, so instants before 1970 compare correctly too
  ];
  for (const [time, seconds] of cases) {
    test(`${time} ms is second ${seconds}`, () => assert.equal(toHttpSeconds(time), seconds));
  }
});
