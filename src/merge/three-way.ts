// Three-way merge of two edits of one text, line by line, on node-diff3's diff3.
import { diff3Merge, type MergeRegion } from 'node-diff3';
import { stretchesBetweenAnchors } from './anchors.js';
import { commonPrefixLength, commonSuffixLength, equalLinePairs, splitLines } from './lines.js';

/** A region both sides changed differently, as it sits in the merged `content`. */
export interface MergeConflict {
  /** First line of the marker block in `content` (0-based). */
  readonly start: number;
  /** Line after the marker block (exclusive). */
  readonly end: number;
  /** The text of each side for this region, lines joined with their terminators. */
  readonly mine: string;
  readonly theirs: string;
  readonly base: string;
}

export interface MergeResult {
  /** True when no region conflicts: `content` is then the merged text, ready to save. */
  readonly clean: boolean;
  /** The merged text; each conflict appears in it as a diff3-style marker block. */
  readonly content: string;
  readonly conflicts: readonly MergeConflict[];
}

/** The marker lines around a conflict, in the order `git merge-file --diff3` writes them. */
export const CONFLICT_MARKERS = {
  mine: '<<<<<<< mine',
  base: '||||||| base',
  separator: '=======',
  theirs: '>>>>>>> theirs',
} as const;

/**
 * A bound on node-diff3's work for one merge, estimated per stretch as pairs of equal lines
 * times the stretch's length (about a second per 10^9 on one core). A stretch that would pass
 * the bound is merged whole: taken from the side that changed it, or reported as one conflict
 * when both did. Only long runs of repeated lines changed on both sides get there.
 */
export const MAX_MERGE_WORK = 300_000_000;

/**
 * Merges `mine` (an edit of `base`) into `current` (another edit of `base`). Changes that touch
 * different lines combine; the same change made on both sides is taken once; changes to the
 * same or adjacent lines conflict. Lines common to all three at either end are set aside
 * first, so the usual small edit of a large page costs little.
 */
export function mergeEdits(base: string, current: string, mine: string): MergeResult {
  const o = splitLines(base);
  const b = splitLines(current);
  const a = splitLines(mine);
  const prefix = commonPrefixLength(a, o, b);
  const suffix = commonSuffixLength(prefix, a, o, b);
  const middle = (lines: string[]) => lines.slice(prefix, lines.length - suffix);
  const [ma, mo, mb] = [middle(a), middle(o), middle(b)];

  const regions: MergeRegion<string>[] = [];
  const budget = { work: MAX_MERGE_WORK };
  stretchesBetweenAnchors([ma, mo, mb]).forEach((stretch, i) => {
    // Every stretch but the first follows an anchor: a line unchanged on both sides.
    if (i > 0) regions.push({ ok: [mo[stretch[1]![0] - 1]!] });
    const [sa, so, sb] = stretch.map(([from, to], k) => [ma, mo, mb][k]!.slice(from, to)) as [string[], string[], string[]];
    regions.push(...mergeStretch(sa, so, sb, budget));
  });

  return assemble(o.slice(0, prefix), regions, o.slice(o.length - suffix));
}

/**
 * The merge that compares nothing: the whole of both edits as one conflict (or the one side
 * that changed). Linear; for when the real merge could not be had in time.
 */
export function wholeConflict(base: string, current: string, mine: string): MergeResult {
  const [o, b, a] = [splitLines(base), splitLines(current), splitLines(mine)];
  return assemble([], mergeStretch(a, o, b, { work: -1 }), []);
}

function assemble(head: readonly string[], regions: readonly MergeRegion<string>[], tail: readonly string[]): MergeResult {
  const out: string[] = [...head];
  const conflicts: MergeConflict[] = [];
  for (const region of regions) {
    if (region.ok) {
      out.push(...region.ok);
      continue;
    }
    const { a: ours, o: original, b: theirs } = region.conflict!;
    // diff3 can pull an unchanged side into a region when hunks of the other side touch it.
    if (sameLines(ours, original)) out.push(...theirs);
    else if (sameLines(theirs, original)) out.push(...ours);
    else {
      const start = out.length;
      out.push(`${CONFLICT_MARKERS.mine}\n`, ...terminated(ours));
      out.push(`${CONFLICT_MARKERS.base}\n`, ...terminated(original));
      out.push(`${CONFLICT_MARKERS.separator}\n`, ...terminated(theirs));
      out.push(`${CONFLICT_MARKERS.theirs}\n`);
      conflicts.push({ start, end: out.length, mine: ours.join(''), theirs: theirs.join(''), base: original.join('') });
    }
  }
  out.push(...tail);
  return { clean: conflicts.length === 0, content: out.join(''), conflicts };
}

function mergeStretch(a: string[], o: string[], b: string[], budget: { work: number }): MergeRegion<string>[] {
  if (a.length + o.length + b.length === 0) return [];
  const work = (equalLinePairs(o, a) + equalLinePairs(o, b)) * Math.max(1, Math.min(o.length, Math.max(a.length, b.length)));
  if (work <= budget.work) {
    budget.work -= work;
    return diff3Merge(a, o, b, { excludeFalseConflicts: true });
  }
  if (sameLines(a, b)) return [{ ok: a }];
  return [{ conflict: { a, aIndex: 0, o, oIndex: 0, b, bIndex: 0 } }];
}

function sameLines(x: readonly string[], y: readonly string[]): boolean {
  return x.length === y.length && x.every((line, i) => line === y[i]);
}

// Only a text's last line can lack "\n"; inside a marker block it needs one before the next marker.
function terminated(lines: readonly string[]): string[] {
  const last = lines[lines.length - 1];
  return last === undefined || last.endsWith('\n') ? [...lines] : [...lines.slice(0, -1), `${last}\n`];
}
