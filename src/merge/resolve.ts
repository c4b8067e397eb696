// Turns a conflicted merge into text, one decision per conflict.
import { splitLines } from './lines.js';
import type { MergeResult } from './three-way.js';

export type Resolution =
  | { readonly take: 'mine' }
  | { readonly take: 'theirs' }
  /** Mine, then theirs. */
  | { readonly take: 'both' }
  | { readonly take: 'edit'; readonly text: string };

/** The text one resolution puts in place of its conflict. */
export function resolutionText(conflict: { mine: string; theirs: string }, resolution: Resolution): string {
  switch (resolution.take) {
    case 'mine':
      return conflict.mine;
    case 'theirs':
      return conflict.theirs;
    case 'both':
      return conflict.mine === '' || conflict.mine.endsWith('\n') ? conflict.mine + conflict.theirs : `${conflict.mine}\n${conflict.theirs}`;
    case 'edit':
      return resolution.text;
  }
}

/**
 * Replaces each conflict's marker block in `merge.content` with the text its resolution names.
 * `resolutions[i]` resolves `merge.conflicts[i]`; there must be one for each.
 */
export function resolveConflicts(merge: MergeResult, resolutions: readonly Resolution[]): string {
  if (resolutions.length !== merge.conflicts.length) {
    throw new RangeError(`${merge.conflicts.length} conflicts need as many resolutions, not ${resolutions.length}.`);
  }
  const lines = splitLines(merge.content);
  let text = '';
  let at = 0;
  merge.conflicts.forEach((conflict, i) => {
    text += lines.slice(at, conflict.start).join('');
    let chosen = resolutionText(conflict, resolutions[i]!);
    // A hunk typed by hand may lack its last "\n"; the line after it must still start a line.
    if (conflict.end < lines.length && chosen !== '' && !chosen.endsWith('\n')) chosen += '\n';
    text += chosen;
    at = conflict.end;
  });
  return text + lines.slice(at).join('');
}
