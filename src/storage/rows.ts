// Rows of the pages and revisions tables, and what the store hands out for them: written once
// for every database. A dialect says only how it spells two kinds of value (RowValues).
import type { ChangeEvent, PageState, PageSummary, RevisionInfo } from './store.js';

/**
 * How a dialect's driver delivers integers that may be BIGINT (timestamps, sequences) and
 * booleans: SQLite gives numbers and 0/1, PostgreSQL gives BIGINT as a string (it may exceed
 * 2^53) and booleans as booleans.
 */
export interface RowValues<Big, Flag> {
  readonly number: (value: Big) => number;
  readonly flag: (value: Flag) => boolean;
}

/** A `pages` row as PAGE_COLUMNS (columns.ts) selects it. */
export interface PageRow<Big, Flag> {
  name: string;
  revision: number;
  deleted: Flag;
  etag: string | null;
  modified_ms: Big;
  /**
   * The column that holds lastModifiedIsWeak (store.ts): this revision shares its second with
   * the one before. Named before the idea was; renaming it needs a migration.
   */
  date_shared: Flag;
  size: number;
}

/** A `revisions` row as REVISION_COLUMNS (columns.ts) selects it. */
export interface RevisionRow<Big, Flag> extends PageRow<Big, Flag> {
  seq: Big;
  summary: string;
  author: string;
}

/** The row mappers of one dialect. */
export interface RowDecoder<Big, Flag> {
  /** The state of `name`; a name never written when there is no row. */
  toState(row: PageRow<Big, Flag> | undefined, name: string): PageState;
  toSummary(row: PageRow<Big, Flag>): PageSummary;
  toRevisionInfo(row: RevisionRow<Big, Flag>): RevisionInfo;
  toChangeEvent(row: RevisionRow<Big, Flag>): ChangeEvent;
}

export function rowDecoder<Big, Flag>(values: RowValues<Big, Flag>): RowDecoder<Big, Flag> {
  const { number, flag } = values;
  return {
    toState(row, name) {
      if (!row) return { name, revision: 0, exists: false, lastModified: 0, lastModifiedIsWeak: false, size: 0 };
      return {
        name: row.name,
        revision: row.revision,
        exists: !flag(row.deleted),
        ...(row.etag === null ? {} : { etag: row.etag }),
        lastModified: number(row.modified_ms),
        lastModifiedIsWeak: flag(row.date_shared),
        size: row.size,
      };
    },
    toSummary(row) {
      return { name: row.name, revision: row.revision, etag: row.etag!, lastModified: number(row.modified_ms), size: row.size };
    },
    toRevisionInfo(row) {
      return {
        revision: row.revision,
        etag: row.etag,
        lastModified: number(row.modified_ms),
        lastModifiedIsWeak: flag(row.date_shared),
        size: row.size,
        summary: row.summary,
        author: row.author,
        deleted: flag(row.deleted),
      };
    },
    toChangeEvent(row) {
      return {
        sequence: number(row.seq),
        name: row.name,
        revision: row.revision,
        etag: row.etag,
        deleted: flag(row.deleted),
        summary: row.summary,
        author: row.author,
        lastModified: number(row.modified_ms),
      };
    },
  };
}

/** One page of a listing read with one row more than `limit`, to tell whether more follow. */
export function listPage<Row>(rows: readonly Row[], limit: number, toSummary: (row: Row) => PageSummary): { pages: PageSummary[]; more: boolean } {
  return { pages: rows.slice(0, limit).map(toSummary), more: rows.length > limit };
}

/** The newest revision a history listing may show (HistoryOptions.before, exclusive). */
export function historyBefore(before: number | undefined): number {
  return before ?? Number.MAX_SAFE_INTEGER;
}
