// The work done off the event loop, as plain values in and out (they cross a thread by
// structured clone): rendering Markdown, diff tables, three-way merges, compressing large bodies.
import { type MergeResult, mergeEdits } from '../merge/index.js';
import { type RenderedParts, renderParts } from '../ui/markdown.js';
import { searchText } from '../pages/plain-text.js';
import { diffTable } from '../ui/views/diff-table.js';
import { compressBody, type BodyCoding } from './compression.js';

/** HTML diff tables of a clean merge, for the wiki's collision screen. */
export interface MergeTables {
  /** What saving the merge changes on the current page. */
  readonly save: string;
  /** What others changed since the base. */
  readonly theirs: string;
}

export const TASKS = {
  render: (input: { source: string }): RenderedParts => renderParts(input.source),
  plainText: (input: { markdown: string }): string => searchText(input.markdown),
  diff: (input: { before: string; after: string; caption: string }): string => diffTable(input.before, input.after, input.caption).value,
  merge: (input: { base: string; current: string; mine: string }): MergeResult => mergeEdits(input.base, input.current, input.mine),
  compress: (input: { body: Uint8Array; coding: BodyCoding }): Uint8Array => compressBody(input.body, input.coding),
  mergeTables: ({ base, current, merged }: { base: string; current: string; merged: string }): MergeTables => ({
    save: diffTable(current, merged, 'Changes your save makes to the current page').value,
    theirs: diffTable(base, current, 'Changes made by others since you started').value,
  }),
};

export type TaskKind = keyof typeof TASKS;
export type TaskInput<K extends TaskKind> = Parameters<(typeof TASKS)[K]>[0];
export type TaskOutput<K extends TaskKind> = ReturnType<(typeof TASKS)[K]>;
