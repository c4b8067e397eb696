// The Range header field of a GET (RFC 9110 §14.1, §14.2), read by its grammar. range-parser
// is not enough: it answers "unsatisfiable" before looking at the unit (so `items=100-` became
// a 416), compares the unit case-sensitively, and drops an invalid member of a set but serves
// the rest (so `bytes=1-4,5-2` got part of itself).

/** One satisfiable range, clipped to the representation: `start` and `end` are inclusive. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export type RangeRequest =
  /** Serve the whole representation: another unit, an invalid set, or several ranges (§14.2 lets a server ignore Range). */
  | { readonly kind: 'ignore' }
  /** No range overlaps the representation: 416 (§15.5.17). */
  | { readonly kind: 'unsatisfiable' }
  | { readonly kind: 'one'; readonly range: ByteRange };

const IGNORE: RangeRequest = Object.freeze({ kind: 'ignore' });
const UNSATISFIABLE: RangeRequest = Object.freeze({ kind: 'unsatisfiable' });

// §5.6.2 token, then "=" and the range set; the unit is compared case-insensitively (§14.1).
const SPECIFIER = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)=(.*)$/s;
// §14.1.1 int-range = first-pos "-" [ last-pos ]; suffix-range = "-" suffix-length.
const INT_RANGE = /^(\d+)-(\d*)$/;
const SUFFIX_RANGE = /^-(\d+)$/;

/**
 * Reads `range` for a representation of `size` bytes. Every member of the set must be valid
 * (an int-range whose last-pos is below its first-pos makes the whole field invalid, §14.1.1);
 * of the valid ones, those that overlap the representation are satisfiable.
 */
export function parseByteRange(range: string, size: number): RangeRequest {
  const specifier = SPECIFIER.exec(range.trim());
  if (!specifier || specifier[1]!.toLowerCase() !== 'bytes') return IGNORE;
  const satisfiable: ByteRange[] = [];
  let members = 0;
  // #range-spec: a list, so OWS and empty members around commas are allowed (§5.6.1).
  for (const raw of specifier[2]!.split(',')) {
    const spec = raw.trim();
    if (spec === '') continue;
    members++;
    const int = INT_RANGE.exec(spec);
    if (int) {
      const first = Number(int[1]);
      const last = int[2] === '' ? Infinity : Number(int[2]);
      if (last < first) return IGNORE;
      if (first < size) satisfiable.push({ start: first, end: Math.min(last, size - 1) });
      continue;
    }
    const suffix = SUFFIX_RANGE.exec(spec);
    if (!suffix) return IGNORE;
    const length = Number(suffix[1]);
    if (length > 0 && size > 0) satisfiable.push({ start: Math.max(0, size - length), end: size - 1 });
  }
  if (members === 0) return IGNORE;
  if (satisfiable.length === 0) return UNSATISFIABLE;
  return satisfiable.length === 1 ? { kind: 'one', range: satisfiable[0]! } : IGNORE;
}
