// What a move does to names, decided once for both stores: which page goes where, and what
// the new revision at each destination says.
import { nameRange, type NameRange } from './name-range.js';

export interface MovedName {
  readonly from: string;
  readonly to: string;
}

/** The range of names that are subpages of `name` (`name/…`). */
export function subpageRange(name: string): NameRange {
  return nameRange(`${name}/`);
}

/** Each name under `from` (itself first, then `subpages`, which start with `from/`) and where it goes under `to`. */
export function movedNames(from: string, to: string, subpages: readonly string[]): MovedName[] {
  return [{ from, to }, ...subpages.map((name) => ({ from: name, to: to + name.slice(from.length) }))];
}

const MOVED_FROM = 'Moved from "';

/** The summary of the revision a move adds at each destination: where it came from, and why. */
export function moveSummary(from: string, summary: string): string {
  return summary === '' ? `${MOVED_FROM}${from}"` : `${MOVED_FROM}${from}": ${summary}`;
}

/**
 * Whether a change's summary is (or looks like) a move's: its change event names only the
 * destination, so a cache keyed by the old names forgets more to be safe.
 */
export function isMoveSummary(summary: string): boolean {
  return summary.startsWith(MOVED_FROM);
}
