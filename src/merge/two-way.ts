// Two-way diffs for people to read: by line, and by word within a changed line.
import { diffComm } from 'node-diff3';
import { stretchesBetweenAnchors } from './anchors.js';
import { commonPrefixLength, commonSuffixLength, equalLinePairs, splitLines } from './lines.js';

export type LineBlock =
  | { readonly kind: 'same'; readonly lines: readonly string[] }
  | { readonly kind: 'change'; readonly removed: readonly string[]; readonly added: readonly string[] };

export type WordPart = { readonly kind: 'same' | 'removed' | 'added'; readonly text: string };

/** The same bound on node-diff3's work as for merges (see three-way.ts). */
const MAX_DIFF_WORK = 300_000_000;
/** Word diffs are for lines people read; a longer pair is shown as a whole-line change. */
const MAX_WORD_PAIRS = 250_000;
/**
 * One budget for the word diffs of all line pairs of one diff, in the same units as
 * MAX_DIFF_WORK: 2,000 pairs of lines of one repeated word would each pass MAX_WORD_PAIRS
 * and together take minutes. Past it, the remaining pairs are shown as whole lines.
 */
export const MAX_WORD_DIFF_WORK = 200_000_000;

/** What is left of a diff's word-diff budget; `exhausted` once a pair did not fit. */
export interface WordBudget {
  work: number;
  exhausted: boolean;
}

export function wordBudget(work = MAX_WORD_DIFF_WORK): WordBudget {
  return { work, exhausted: false };
}

/** The line diff of two texts: runs of unchanged lines and changes, in order. */
export function diffLines(before: string, after: string): LineBlock[] {
  const x = splitLines(before);
  const y = splitLines(after);
  const prefix = commonPrefixLength(x, y);
  const suffix = commonSuffixLength(prefix, x, y);
  const mx = x.slice(prefix, x.length - suffix);
  const my = y.slice(prefix, y.length - suffix);

  const blocks: LineBlock[] = [];
  const same = (lines: readonly string[]) => {
    if (lines.length === 0) return;
    const last = blocks[blocks.length - 1];
    if (last?.kind === 'same') blocks[blocks.length - 1] = { kind: 'same', lines: [...last.lines, ...lines] };
    else blocks.push({ kind: 'same', lines });
  };
  const change = (removed: readonly string[], added: readonly string[]) => {
    if (removed.length + added.length === 0) return;
    const last = blocks[blocks.length - 1];
    if (last?.kind === 'change') blocks[blocks.length - 1] = { kind: 'change', removed: [...last.removed, ...removed], added: [...last.added, ...added] };
    else blocks.push({ kind: 'change', removed, added });
  };

  same(x.slice(0, prefix));
  let budget = MAX_DIFF_WORK;
  stretchesBetweenAnchors([mx, my]).forEach((stretch, i) => {
    if (i > 0) same([mx[stretch[0]![0] - 1]!]);
    const sx = mx.slice(...stretch[0]!);
    const sy = my.slice(...stretch[1]!);
    const work = equalLinePairs(sx, sy) * Math.max(1, Math.min(sx.length, sy.length));
    if (work > budget) return change(sx, sy);
    budget -= work;
    for (const part of diffComm(sx, sy)) {
      if (part.common) same(part.common);
      else change(part.buffer1, part.buffer2);
    }
  });
  same(x.slice(x.length - suffix));
  return blocks;
}

/** Words, runs of white space and single punctuation marks: the units of a word diff. */
export function wordTokens(line: string): string[] {
  return line.match(/[\p{L}\p{N}_]+|\s+|[^\p{L}\p{N}_\s]/gu) ?? [];
}

/**
 * The word diff of two lines, or undefined when they are too long to compare word by word or
 * `budget` (shared by all the pairs of one diff) has no room left for them.
 */
export function diffWords(before: string, after: string, budget: WordBudget = wordBudget()): WordPart[] | undefined {
  const x = wordTokens(before);
  const y = wordTokens(after);
  if (x.length * y.length > MAX_WORD_PAIRS) return undefined;
  // As for lines: pairs of equal tokens times the shorter side, plus a pass over both.
  const work = equalLinePairs(x, y) * Math.max(1, Math.min(x.length, y.length)) + x.length + y.length;
  if (work > budget.work) {
    budget.exhausted = true;
    return undefined;
  }
  budget.work -= work;
  const parts: WordPart[] = [];
  const push = (kind: WordPart['kind'], tokens: readonly string[]) => {
    if (tokens.length === 0) return;
    const last = parts[parts.length - 1];
    if (last?.kind === kind) parts[parts.length - 1] = { kind, text: last.text + tokens.join('') };
    else parts.push({ kind, text: tokens.join('') });
  };
  for (const part of diffComm(x, y)) {
    if (part.common) push('same', part.common);
    else {
      push('removed', part.buffer1);
      push('added', part.buffer2);
    }
  }
  return parts;
}
