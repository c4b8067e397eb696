// The wiki's work that runs off the event loop (in src/work's pool): rendering Markdown, and
// the HTML diff tables of history and of the collision screen.
import type { WorkPool } from '../work/pool.js';
import { type RenderedParts, renderParts } from './markdown.js';
import { diffTable } from './views/diff-table.js';

/** HTML diff tables of a clean merge, for the wiki's collision screen. */
export interface MergeTables {
  /** What saving the merge changes on the current page. */
  readonly save: string;
  /** What others changed since the base. */
  readonly theirs: string;
}

export const WIKI_TASKS = {
  render: (input: { source: string }): RenderedParts => renderParts(input.source),
  diff: (input: { before: string; after: string; caption: string }): string => diffTable(input.before, input.after, input.caption).value,
  mergeTables: ({ base, current, merged }: { base: string; current: string; merged: string }): MergeTables => ({
    save: diffTable(current, merged, 'Changes your save makes to the current page').value,
    theirs: diffTable(base, current, 'Changes made by others since you started').value,
  }),
};

/** A pool that runs at least the wiki's tasks. */
export type WikiWork = WorkPool<typeof WIKI_TASKS>;
