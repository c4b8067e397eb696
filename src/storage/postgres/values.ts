import type { RowValues } from '../rows.js';

/** node-postgres delivers BIGINT as a string (it may exceed 2^53; ours are ms and sequences) and booleans as booleans. */
export const POSTGRES_VALUES: RowValues<string, boolean> = {
  number: (value) => Number(value),
  flag: (value) => value,
};
