// The columns every read of a page or a revision selects, in one order, on both databases:
// the row types of rows.ts mirror them.

/** A page's validators (the `pages` table; no content). */
export const PAGE_COLUMNS = 'name, revision, deleted, etag, modified_ms, date_shared, size';

/** A revision's metadata (the `revisions` table; no content). */
export const REVISION_COLUMNS = 'seq, name, revision, deleted, etag, modified_ms, date_shared, size, summary, author';

/** A column list of the table aliased `alias`, for statements that join or write through an alias. */
export function qualified(alias: string, columns: string): string {
  return columns.split(', ').map((column) => `${alias}.${column}`).join(', ');
}
