// recentChanges' statements, written once for both databases: one per combination of filters,
// so each is a range scan of one index (revisions (name, seq) or (author, seq)), newest first.
import type { ChangeOptions } from './store.js';

export type ChangeFilter = 'all' | 'page' | 'author' | 'page-author';
export const CHANGE_FILTERS: readonly ChangeFilter[] = ['all', 'page', 'author', 'page-author'];

const hasPage = (filter: ChangeFilter) => filter === 'page' || filter === 'page-author';
const hasAuthor = (filter: ChangeFilter) => filter === 'author' || filter === 'page-author';

/**
 * The filter an options value selects and its parameters, in the order the statement uses
 * them: before, the name and the author where filtered on, the limit.
 */
export function changeQuery(options: ChangeOptions | number): { filter: ChangeFilter; values: (string | number)[] } {
  const { limit, before, name, author } = typeof options === 'number' ? { limit: options } : options;
  const filter = name === undefined ? (author === undefined ? 'all' : 'author') : author === undefined ? 'page' : 'page-author';
  const values: (string | number)[] = [before ?? Number.MAX_SAFE_INTEGER];
  if (name !== undefined) values.push(name);
  if (author !== undefined) values.push(author);
  values.push(limit);
  return { filter, values };
}

/** The statement of one filter; `param(n)` spells the n-th parameter (1-based) in the database's syntax. */
export function changeQuerySql(columns: string, filter: ChangeFilter, param: (n: number) => string): string {
  let n = 1;
  const conditions = [`seq < ${param(n++)}`];
  if (hasPage(filter)) conditions.push(`name = ${param(n++)}`);
  if (hasAuthor(filter)) conditions.push(`author = ${param(n++)}`);
  return `SELECT ${columns} FROM revisions WHERE ${conditions.join(' AND ')} ORDER BY seq DESC LIMIT ${param(n)}`;
}
