// node-diff3 finds its longest common subsequence without binary search, so its cost grows
// with the square of the lines between differences, and with the cube of lines that repeat
// (blank lines, "---", list markers): 2,000 half-blank lines take seconds. As in patience
// diff, the texts are first cut at anchors — lines that occur exactly once in every text, in
// the same order in all — and node-diff3 only sees the short stretches between them.

/** One stretch of every sequence between two anchors (or an end), as [start, end) per sequence. */
export type Stretch = readonly (readonly [number, number])[];

/** Cuts the sequences into stretches separated by single anchor lines, which are equal in all. */
export function stretchesBetweenAnchors(seqs: readonly (readonly string[])[]): Stretch[] {
  const anchors = findAnchors(seqs);
  const stretches: Stretch[] = [];
  let from = seqs.map(() => 0);
  for (const anchor of anchors) {
    stretches.push(seqs.map((_, k) => [from[k]!, anchor[k]!] as const));
    from = anchor.map((position) => position + 1);
  }
  stretches.push(seqs.map((seq, k) => [from[k]!, seq.length] as const));
  return stretches;
}

/** Positions of anchor lines, one array of positions (one per sequence) per anchor, in order. */
export function findAnchors(seqs: readonly (readonly string[])[]): number[][] {
  const counts = seqs.map(countLines);
  const first = seqs[0] ?? [];
  const positions = seqs.map((seq) => {
    const at = new Map<string, number>();
    seq.forEach((line, i) => at.set(line, i));
    return at;
  });
  let chain: number[][] = [];
  first.forEach((line) => {
    if (counts.every((count) => count.get(line) === 1)) chain.push(positions.map((at) => at.get(line)!));
  });
  // Ordered by the first sequence; keep the longest run that is increasing in each other one too.
  for (let k = 1; k < seqs.length; k++) chain = longestIncreasing(chain, (anchor) => anchor[k]!);
  return chain;
}

function countLines(seq: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of seq) counts.set(line, (counts.get(line) ?? 0) + 1);
  return counts;
}

/** Longest subsequence of `items` whose keys strictly increase (patience sorting, O(n log n)). */
export function longestIncreasing<T>(items: readonly T[], key: (item: T) => number): T[] {
  const tails: number[] = []; // index into items of the smallest tail of each run length
  const previous: number[] = new Array<number>(items.length);
  items.forEach((item, i) => {
    const k = key(item);
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (key(items[tails[mid]!]!) < k) lo = mid + 1;
      else hi = mid;
    }
    previous[i] = lo > 0 ? tails[lo - 1]! : -1;
    tails[lo] = i;
  });
  const run: T[] = [];
  for (let i = tails.length > 0 ? tails[tails.length - 1]! : -1; i >= 0; i = previous[i]!) run.push(items[i]!);
  return run.reverse();
}
