import type { RowValues } from '../rows.js';

/** better-sqlite3 delivers INTEGER columns as numbers (ours stay below 2^53) and booleans as 0/1. */
export const SQLITE_VALUES: RowValues<number, number> = {
  number: (value) => value,
  flag: (value) => value === 1,
};
