import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findAnchors, longestIncreasing, stretchesBetweenAnchors } from './anchors.js';
import { diffLines, diffWords, MAX_WORD_DIFF_WORK, wordBudget, wordTokens } from './index.js';

describe('diffLines', () => {
  it('reports unchanged runs and changes in order', () => {
    assert.deepEqual(diffLines('a\nb\nc\n', 'a\nB\nc\nd\n'), [
      { kind: 'same', lines: ['a\n'] },
      { kind: 'change', removed: ['b\n'], added: ['B\n'] },
      { kind: 'same', lines: ['c\n'] },
      { kind: 'change', removed: [], added: ['d\n'] },
    ]);
  });

  it('reports a lost final newline as a change of the last line', () => {
    assert.deepEqual(diffLines('a\nb\n', 'a\nb'), [
      { kind: 'same', lines: ['a\n'] },
      { kind: 'change', removed: ['b\n'], added: ['b'] },
    ]);
  });

  it('equal texts are one unchanged run, empty texts none', () => {
    assert.deepEqual(diffLines('x\ny\n', 'x\ny\n'), [{ kind: 'same', lines: ['x\n', 'y\n'] }]);
    assert.deepEqual(diffLines('', ''), []);
  });

  it('stays fast on long runs of repeated lines', () => {
    const before = Array.from({ length: 30_000 }, (_, i) => (i % 2 ? '\n' : `para ${i}\n`)).join('');
    const after = before.replace(/para 1(\d)/g, 'P$1');
    const started = performance.now();
    const blocks = diffLines(before, after);
    assert.ok(blocks.some((b) => b.kind === 'change'));
    // Every line is accounted for on both sides.
    const count = (side: 'removed' | 'added') => blocks.reduce((n, b) => n + (b.kind === 'same' ? b.lines.length : b[side].length), 0);
    assert.equal(count('removed'), 30_000);
    assert.equal(count('added'), 30_000);
    assert.ok(performance.now() - started < 3000, 'a 30,000-line diff should take well under 3 s');
  });
});

describe('diffWords', () => {
  it('marks the changed words only', () => {
    assert.deepEqual(diffWords('We ship on Monday.', 'We ship on Tuesday.'), [
      { kind: 'same', text: 'We ship on ' },
      { kind: 'removed', text: 'Monday' },
      { kind: 'added', text: 'Tuesday' },
      { kind: 'same', text: '.' },
    ]);
  });

  it('splits words, spaces and punctuation, in any script', () => {
    assert.deepEqual(wordTokens('Déjà vu, 2 fois!'), ['Déjà', ' ', 'vu', ',', ' ', '2', ' ', 'fois', '!']);
  });

  it('gives up on lines too long to compare word by word', () => {
    const long = 'word '.repeat(1000);
    assert.equal(diffWords(long, `${long}x`), undefined);
  });
});

describe('anchors', () => {
  it('longestIncreasing keeps the longest strictly increasing run', () => {
    assert.deepEqual(longestIncreasing([3, 1, 2, 5, 4, 6], (x) => x), [1, 2, 4, 6]);
    assert.deepEqual(longestIncreasing([], (x: number) => x), []);
  });

  it('anchors are lines unique in every text, in the same order in all', () => {
    const a = ['x', 'moved', 'b', 'c', 'dup', 'dup'];
    const o = ['x', 'b', 'c', 'moved', 'dup'];
    const anchors = findAnchors([a, o]);
    // "moved" is unique in both but out of order, "dup" repeats in a.
    for (const [i, j] of anchors as [number, number][]) assert.equal(a[i], o[j]);
    assert.deepEqual(anchors.map(([i]) => a[i!]), ['x', 'b', 'c']);
  });

  it('stretches cover every line but the anchors', () => {
    const a = ['1', 'same', '2', '3'];
    const o = ['0', 'same', '4'];
    assert.deepEqual(stretchesBetweenAnchors([a, o]), [
      [[0, 1], [0, 1]],
      [[2, 4], [2, 3]],
    ]);
  });
});

describe('word diff budget', () => {
  // Lines of one repeated word: each pair is under MAX_WORD_PAIRS, but together minutes of work.
  const line = Array(250).fill('a').join(' ');

  it('is one budget across all pairs of a diff: once spent, pairs get no word diff', () => {
    const budget = wordBudget();
    const results = Array.from({ length: 2000 }, () => diffWords(line, `${line} b`, budget));
    const compared = results.filter((r) => r !== undefined).length;
    assert.ok(compared >= 1, 'the first pairs are compared word by word');
    assert.ok(compared < 20, `${compared} of 2,000 pairs compared`);
    assert.equal(budget.exhausted, true);
  });

  it('leaves small diffs alone', () => {
    const budget = wordBudget();
    assert.deepEqual(diffWords('a b c', 'a x c', budget), [
      { kind: 'same', text: 'a ' },
      { kind: 'removed', text: 'b' },
      { kind: 'added', text: 'x' },
      { kind: 'same', text: ' c' },
    ]);
    assert.equal(budget.exhausted, false);
    assert.ok(budget.work < MAX_WORD_DIFF_WORK);
  });
});
