// Texts are compared line by line; each line keeps its "\n" so that joining the lines gives
// the text back exactly, and "no trailing newline" is a difference like any other.

/** Splits text into lines that keep their terminator; only the last may lack one. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** The length of the longest run of equal items at the start of every array. */
export function commonPrefixLength<T>(...arrays: readonly (readonly T[])[]): number {
  const [first, ...rest] = arrays;
  if (!first) return 0;
  const shortest = Math.min(...arrays.map((a) => a.length));
  let n = 0;
  while (n < shortest && rest.every((a) => a[n] === first[n])) n++;
  return n;
}

/** The length of the longest run of equal items at the end of every array, not reaching into `prefix`. */
export function commonSuffixLength<T>(prefix: number, ...arrays: readonly (readonly T[])[]): number {
  const [first, ...rest] = arrays;
  if (!first) return 0;
  const room = Math.min(...arrays.map((a) => a.length)) - prefix;
  let n = 0;
  while (n < room && rest.every((a) => a[a.length - 1 - n] === first[first.length - 1 - n])) n++;
  return n;
}

/** How many (i, j) have x[i] === y[j]: what node-diff3's longest common subsequence walks through. */
export function equalLinePairs(x: readonly string[], y: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const line of y) counts.set(line, (counts.get(line) ?? 0) + 1);
  let pairs = 0;
  for (const line of x) pairs += counts.get(line) ?? 0;
  return pairs;
}
