// Which changes a list shows, as both the API (/api/changes) and the wiki's front page
// take it from the query: ?before=<sequence>&page=<name>&author=<name>.
import type { ChangeEvent, ChangeOptions } from '../storage/store.js';
import { HttpProblem } from './errors.js';
import { parsePageName } from '../pages/page-name.js';

export type ChangeSelection = Omit<ChangeOptions, 'limit'>;

export interface ChangeQuery {
  readonly before?: number;
  readonly page?: string;
  readonly author?: string;
}

const MAX_AUTHOR_LENGTH = 255;
const CONTROL = /[\p{Cc}]/u;

/** The query's filter; a bad page name or author is a 400 (the schema has already checked `before`). */
export function parseChangeSelection(query: ChangeQuery): ChangeSelection {
  const { before, page, author } = query;
  if (author !== undefined && (author === '' || author.length > MAX_AUTHOR_LENGTH || CONTROL.test(author))) {
    throw new HttpProblem('bad-request', `An author is 1 to ${MAX_AUTHOR_LENGTH} characters with no control characters.`);
  }
  return {
    ...(before === undefined ? {} : { before }),
    ...(page === undefined ? {} : { name: parsePageName(page) }),
    ...(author === undefined ? {} : { author }),
  };
}

/** The query string of a filter (with a leading "?", or "" for none), page and author kept, `before` as given. */
export function changeSelectionQuery(filter: ChangeSelection): string {
  const params = new URLSearchParams();
  if (filter.before !== undefined) params.set('before', String(filter.before));
  if (filter.name !== undefined) params.set('page', filter.name);
  if (filter.author !== undefined) params.set('author', filter.author);
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}

/**
 * Reads one more change than shown, to tell whether older ones exist: returns the changes to
 * show and the cursor of the next (older) page, or undefined at the very first change.
 */
export async function pageOfChanges(
  recentChanges: (options: ChangeOptions) => Promise<ChangeEvent[]>,
  filter: ChangeSelection,
  limit: number,
): Promise<{ changes: ChangeEvent[]; older: number | undefined }> {
  const rows = await recentChanges({ ...filter, limit: limit + 1 });
  const changes = rows.slice(0, limit);
  return { changes, older: rows.length > limit ? changes[changes.length - 1]!.sequence : undefined };
}
