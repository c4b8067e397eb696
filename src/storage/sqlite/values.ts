import type { RowValues } from '../rows.js';

/** better-sqlite3 delivers INTEGER columns as numbers (ours stay below 2^53) and booleans as 0/1. */
export const SQLITE_VALUES: RowValues<number, number> = {
  number: (value) => value,
  flag: (value) => value === 1,
};

// The new revision's time never runs backwards within a page, and its Last-Modified is weak
// when it shares its second with the previous revision's (RFC 9110 §8.8.2.2). The column that
// holds lastModifiedIsWeak is date_shared (rows.ts).
export const NEXT_MODIFIED = 'max(CAST(@now AS INTEGER), modified_ms)';
export const NEXT_LAST_MODIFIED_IS_WEAK = `(${NEXT_MODIFIED} / 1000 = modified_ms / 1000)`;
