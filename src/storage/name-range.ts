// Names that start with a prefix, as a range of the name index: `name >= 'Team/' AND name <
// 'Team0'` (binary order, as both databases compare names), so listing a page's subpages reads
// only them.

/** The names of one listing: all of them, or those in [from, to), optionally one level deep. */
export interface NameRange {
  readonly from: string;
  /** Exclusive; null for no upper bound. */
  readonly to: string | null;
  /** Code points of the prefix, past which a direct child has no "/"; null lists every depth. */
  readonly childrenAfter: number | null;
}

export const ALL_NAMES: NameRange = { from: '', to: null, childrenAfter: null };

/** The first string after every string that starts with `prefix`; null when there is none. */
export function prefixEnd(prefix: string): string | null {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // A lone surrogate is no character (nor valid UTF-8): skip past their block.
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return null;
}

/** The range of `prefix` (every name when absent); `children` keeps direct children only (top-level pages for no prefix). */
export function nameRange(prefix: string | undefined, children = false): NameRange {
  const from = prefix ?? '';
  return { from, to: from === '' ? null : prefixEnd(from), childrenAfter: children ? [...from].length : null };
}
