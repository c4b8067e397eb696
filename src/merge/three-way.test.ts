import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONFLICT_MARKERS, mergeEdits, resolveConflicts, splitLines, wholeConflict } from './index.js';

const base = 'one\ntwo\nthree\nfour\nfive\nsix\nseven\n';

describe('splitLines', () => {
  const cases: [string, string, string[]][] = [
    ['empty text', '', []],
    ['one line without newline', 'a', ['a']],
    ['keeps terminators', 'a\nb\n', ['a\n', 'b\n']],
    ['last line without newline', 'a\nb', ['a\n', 'b']],
    ['blank lines', '\n\n', ['\n', '\n']],
  ];
  for (const [name, text, lines] of cases) {
    it(name, () => {
      assert.deepEqual(splitLines(text), lines);
      assert.equal(splitLines(text).join(''), text);
    });
  }
});

describe('mergeEdits: clean merges', () => {
  const cases: { name: string; base?: string; current: string; mine: string; merged: string }[] = [
    {
      name: 'edits far apart combine',
      current: base.replace('two', 'TWO'),
      mine: base.replace('six', 'SIX'),
      merged: 'one\nTWO\nthree\nfour\nfive\nSIX\nseven\n',
    },
    { name: 'only mine changed', current: base, mine: base.replace('four', '4'), merged: base.replace('four', '4') },
    { name: 'only theirs changed', current: base.replace('four', '4'), mine: base, merged: base.replace('four', '4') },
    { name: 'the same change on both sides is taken once', current: base.replace('four', '4'), mine: base.replace('four', '4'), merged: base.replace('four', '4') },
    {
      name: 'an insertion and a deletion apart',
      current: base.replace('one\n', ''),
      mine: base.replace('six\n', 'six\nsix and a half\n'),
      merged: 'two\nthree\nfour\nfive\nsix\nsix and a half\nseven\n',
    },
    { name: 'an edit of a text without a final newline', base: 'a\nb\nc', current: 'a\nb\nC', mine: 'x\nb\nc', merged: 'x\nb\nC' },
    { name: 'CRLF lines are lines like any other', base: 'a\r\nb\r\nc\r\nd\r\n', current: 'A\r\nb\r\nc\r\nd\r\n', mine: 'a\r\nb\r\nc\r\nD\r\n', merged: 'A\r\nb\r\nc\r\nD\r\n' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = mergeEdits(c.base ?? base, c.current, c.mine);
      assert.equal(result.clean, true);
      assert.deepEqual(result.conflicts, []);
      assert.equal(result.content, c.merged);
    });
  }

  it('merges edits in a large text quickly', () => {
    const big = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${i % 7 === 0 ? '' : 'text'}\n`).join('');
    const started = performance.now();
    const result = mergeEdits(big, big.replace('line 10 text', 'line ten'), big.replace('line 19990 text', 'line end'));
    assert.equal(result.clean, true);
    assert.match(result.content, /line ten\n[\s\S]*line end\n/);
    assert.ok(performance.now() - started < 2000, 'a 20,000-line merge should take well under 2 s');
  });
});

describe('mergeEdits: conflicts', () => {
  it('the same line changed differently conflicts, with a marker block at start..end', () => {
    const result = mergeEdits(base, base.replace('four', 'theirs four'), base.replace('four', 'my four'));
    assert.equal(result.clean, false);
    assert.equal(result.conflicts.length, 1);
    const [conflict] = result.conflicts;
    assert.deepEqual(conflict, { start: 3, end: 10, mine: 'my four\n', theirs: 'theirs four\n', base: 'four\n' });
    const lines = splitLines(result.content);
    assert.deepEqual(lines.slice(conflict!.start, conflict!.end), [
      `${CONFLICT_MARKERS.mine}\n`,
      'my four\n',
      `${CONFLICT_MARKERS.base}\n`,
      'four\n',
      `${CONFLICT_MARKERS.separator}\n`,
      'theirs four\n',
      `${CONFLICT_MARKERS.theirs}\n`,
    ]);
    assert.deepEqual(lines.slice(0, 3), ['one\n', 'two\n', 'three\n']);
    assert.deepEqual(lines.slice(10), ['five\n', 'six\n', 'seven\n']);
  });

  it('adjacent lines changed on both sides conflict (as in git)', () => {
    const result = mergeEdits(base, base.replace('four', 'FOUR'), base.replace('three', 'THREE'));
    assert.equal(result.clean, false);
    assert.equal(result.conflicts[0]!.mine, 'THREE\nfour\n');
    assert.equal(result.conflicts[0]!.theirs, 'three\nFOUR\n');
  });

  it('two separate conflicts keep their own positions', () => {
    const result = mergeEdits(base, base.replace('two', 'b2').replace('six', 'b6'), base.replace('two', 'a2').replace('six', 'a6'));
    assert.equal(result.conflicts.length, 2);
    const lines = splitLines(result.content);
    for (const conflict of result.conflicts) {
      assert.equal(lines[conflict.start], `${CONFLICT_MARKERS.mine}\n`);
      assert.equal(lines[conflict.end - 1], `${CONFLICT_MARKERS.theirs}\n`);
    }
  });

  it('both sides creating a page from nothing conflict over the whole text', () => {
    const result = mergeEdits('', 'their page\n', 'my page\n');
    assert.deepEqual(result.conflicts, [{ start: 0, end: 6, mine: 'my page\n', theirs: 'their page\n', base: '' }]);
  });

  it('a conflict on a last line without newline still gets whole marker lines', () => {
    const result = mergeEdits('a\nb', 'a\nB', 'a\nbee');
    assert.equal(result.conflicts[0]!.mine, 'bee');
    assert.equal(result.conflicts[0]!.theirs, 'B');
    assert.equal(result.content, `a\n${CONFLICT_MARKERS.mine}\nbee\n${CONFLICT_MARKERS.base}\nb\n${CONFLICT_MARKERS.separator}\nB\n${CONFLICT_MARKERS.theirs}\n`);
  });

  it('a setext heading underline inside a hunk is text, not a marker', () => {
    const result = mergeEdits('Title\n-----\n', 'Title\n=======\n', 'Title\n~~~~~~~\n');
    assert.equal(result.conflicts[0]!.theirs, '=======\n');
    assert.equal(resolveConflicts(result, [{ take: 'theirs' }]), 'Title\n=======\n');
  });
});

describe('resolveConflicts', () => {
  const merged = mergeEdits(base, base.replace('two', 'b2').replace('six', 'b6'), base.replace('two', 'a2').replace('six', 'a6'));
  const cases: { name: string; resolutions: Parameters<typeof resolveConflicts>[1]; text: string }[] = [
    { name: 'mine everywhere', resolutions: [{ take: 'mine' }, { take: 'mine' }], text: base.replace('two', 'a2').replace('six', 'a6') },
    { name: 'theirs everywhere', resolutions: [{ take: 'theirs' }, { take: 'theirs' }], text: base.replace('two', 'b2').replace('six', 'b6') },
    { name: 'both: mine then theirs', resolutions: [{ take: 'both' }, { take: 'theirs' }], text: base.replace('two', 'a2\nb2').replace('six', 'b6') },
    { name: 'an edit without final newline still ends its line', resolutions: [{ take: 'edit', text: 'my own' }, { take: 'mine' }], text: base.replace('two', 'my own').replace('six', 'a6') },
    { name: 'an empty edit removes the region', resolutions: [{ take: 'edit', text: '' }, { take: 'mine' }], text: base.replace('two\n', '').replace('six', 'a6') },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(resolveConflicts(merged, c.resolutions), c.text));
  }

  it('both, when mine lacks a final newline at the end of the text', () => {
    const result = mergeEdits('a\nb', 'a\nB', 'a\nbee');
    assert.equal(resolveConflicts(result, [{ take: 'both' }]), 'a\nbee\nB');
  });

  it('refuses a wrong number of resolutions', () => {
    assert.throws(() => resolveConflicts(merged, [{ take: 'mine' }]), RangeError);
  });
});

describe('wholeConflict', () => {
  it('is one conflict of both edits whole, resolvable like any other', () => {
    const merge = wholeConflict('a\nb\n', 'a\nB\n', 'A\nb\n');
    assert.equal(merge.clean, false);
    assert.equal(merge.conflicts.length, 1);
    assert.equal(merge.conflicts[0]!.mine, 'A\nb\n');
    assert.equal(merge.conflicts[0]!.theirs, 'a\nB\n');
    assert.equal(resolveConflicts(merge, [{ take: 'mine' }]), 'A\nb\n');
  });

  it('takes the one side that changed', () => {
    assert.deepEqual(wholeConflict('a\n', 'a\n', 'b\n'), { clean: true, content: 'b\n', conflicts: [] });
  });
});
