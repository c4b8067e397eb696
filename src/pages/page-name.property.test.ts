// Properties of page names (page-name.ts) with subpages: what parses survives the API's encoding
// as one path segment, and the rules hold for every segment, checked against generated names.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { PageRuleError } from './errors.js';
import { encodePageName, parentName, parsePageName, RESERVED_SEGMENTS } from './page-name.js';

const NUM_RUNS = 1000;

const segment = fc.string({ unit: fc.constantFrom('a', 'B', 'é', '中', '😀', ' ', '-', '.', '%', '#', '?', '+', 'z'), minLength: 1, maxLength: 12 });
const segments = fc.array(segment, { minLength: 1, maxLength: 5 });

function rejects(name: string): boolean {
  try {
    parsePageName(name);
    return false;
  } catch (error) {
    assert.ok(error instanceof PageRuleError && error.rule === 'page-name', String(error));
    return true;
  }
}

describe('page names with subpages', () => {
  test('a name that parses is one path segment: encoded, decoded and parsed again it is the same name', () => {
    fc.assert(
      fc.property(segments, (parts) => {
        const raw = parts.join('/');
        if (rejects(raw)) return;
        const name = parsePageName(raw);
        const encoded = encodePageName(name);
        assert.doesNotMatch(encoded, /\//, 'no raw "/" in the segment');
        assert.equal(parsePageName(decodeURIComponent(encoded)), name);
        assert.equal(parsePageName(name), name, 'parsing is idempotent');
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('a name is refused exactly when one of its segments breaks a rule', () => {
    fc.assert(
      fc.property(segments, (parts) => {
        const raw = parts.join('/');
        const badSegment = parts.some((part, i) => part.trim() !== part || part === '.' || part === '..' || (i > 0 && RESERVED_SEGMENTS.includes(part)));
        const tooLong = [...raw.normalize('NFC')].length > 255;
        assert.equal(rejects(raw), badSegment || tooLong, raw);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('a reserved action word is refused as any segment after the first, and allowed as the first', () => {
    fc.assert(
      fc.property(fc.constantFrom(...RESERVED_SEGMENTS), fc.array(fc.constantFrom('Team', 'A b', 'Ö'), { maxLength: 3 }), (word, before) => {
        assert.ok(rejects([...before, 'Page', word].join('/')));
        assert.equal(parsePageName([word, ...before].join('/')), [word, ...before].join('/'));
      }),
      { numRuns: 200 },
    );
  });

  test('empty segments, "." and ".." segments, and white space around a segment are refused', () => {
    for (const name of ['/Team', 'Team/', 'Team//A', '/', 'Team/./A', 'Team/..', './x', 'Team /A', 'Team/ A', 'Team/A ']) {
      assert.ok(rejects(name), name);
    }
    for (const name of ['Team/Onboarding', 'a/b/c', 'Team/edit notes', 'Edit/x', '.x/y..']) assert.equal(parsePageName(name), name);
  });

  test('parentName is the name up to the last "/"', () => {
    assert.equal(parentName('Team/Onboarding/Week 1'), 'Team/Onboarding');
    assert.equal(parentName('Team'), undefined);
  });
});
