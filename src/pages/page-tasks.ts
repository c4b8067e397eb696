// The work of the pages layer that runs off the event loop (in src/work's pool): three-way
// merges of collided saves, and the plain text the search index gets.
import { type MergeResult, mergeEdits } from '../merge/index.js';
import type { WorkPool } from '../work/pool.js';
import { searchText } from './plain-text.js';

export const PAGE_TASKS = {
  merge: (input: { base: string; current: string; mine: string }): MergeResult => mergeEdits(input.base, input.current, input.mine),
  plainText: (input: { markdown: string }): string => searchText(input.markdown),
};

/** A pool that runs at least the pages layer's tasks. */
export type PageWork = WorkPool<typeof PAGE_TASKS>;
