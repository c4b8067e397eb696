// What both SQL stores do alike above their queries, written once: the read methods turn a
// dialect's rows into what PageStore hands out (rows.ts), and the metrics hook. A dialect
// extends SqlPageStore and supplies the rows, synchronously (SQLite) or as a promise
// (PostgreSQL), with its own SQL and transaction handling.
import { type ChangeFilter, changeQuery } from './change-query.js';
import type { BacklinkRow } from './link-queries.js';
import { nameRange, type NameRange } from './name-range.js';
import { historyBefore, listPage, type PageRow, type RevisionRow, type RowDecoder } from './rows.js';
import type { Backlink, ChangeEvent, ChangeOptions, HistoryOptions, ListOptions, PageSummary, RevisionInfo, StoreMeasurements } from './store.js';

/** Rows as a dialect's driver gives them: at once, or later. */
export type Rows<Row> = Row | Promise<Row>;

export abstract class SqlPageStore<Big, Flag> {
  /** Told of each committed write batch (metrics); set by observe(). */
  protected measurements: StoreMeasurements | undefined;

  protected constructor(private readonly rows: RowDecoder<Big, Flag>) {}

  /** Current pages after `after` within `range`, in binary name order; at most `limit`. */
  protected abstract listRows(after: string, limit: number, range: NameRange): Rows<PageRow<Big, Flag>[]>;
  /** link-queries.ts backlinksSql with its values. */
  protected abstract backlinkRows(name: string, after: string, limit: number): Rows<BacklinkRow[]>;
  protected abstract redirectRow(name: string): Rows<{ target: string } | undefined>;
  /** Which of `names` are redirects, in one statement. */
  protected abstract redirectedRows(names: readonly string[]): Rows<{ name: string }[]>;
  /** Revisions of `name` below `before`, newest first; at most `limit`. */
  protected abstract historyRows(name: string, before: number, limit: number): Rows<RevisionRow<Big, Flag>[]>;
  protected abstract revisionRow(name: string, revision: number): Rows<RevisionRow<Big, Flag> | undefined>;
  /** recentChanges' statement for `filter`, with its values (change-query.ts). */
  protected abstract changeRows(filter: ChangeFilter, values: (string | number)[]): Rows<RevisionRow<Big, Flag>[]>;
  /** Revisions of `name` after `after`, oldest first; at most `limit`. */
  protected abstract pageChangeRows(name: string, after: number, limit: number): Rows<RevisionRow<Big, Flag>[]>;

  observe(measurements: StoreMeasurements): void {
    this.measurements = measurements;
  }

  async list(options: ListOptions): Promise<{ pages: PageSummary[]; more: boolean }> {
    const range = nameRange(options.prefix, options.children);
    return listPage(await this.listRows(options.after ?? '', options.limit + 1, range), options.limit, this.rows.toSummary);
  }

  async backlinks(name: string, options: { readonly limit: number; readonly after?: string }): Promise<Backlink[]> {
    const rows = await this.backlinkRows(name, options.after ?? '', options.limit);
    return rows.map((row) => (row.via === null ? { name: row.name } : { name: row.name, via: row.via }));
  }

  async redirected(names: readonly string[]): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    return new Set((await this.redirectedRows([...new Set(names)])).map((row) => row.name));
  }

  async redirect(name: string): Promise<string | undefined> {
    return (await this.redirectRow(name))?.target;
  }

  async history(name: string, options: HistoryOptions): Promise<RevisionInfo[]> {
    return (await this.historyRows(name, historyBefore(options.before), options.limit)).map(this.rows.toRevisionInfo);
  }

  async revision(name: string, revision: number): Promise<RevisionInfo | undefined> {
    const row = await this.revisionRow(name, revision);
    return row && this.rows.toRevisionInfo(row);
  }

  async recentChanges(options: ChangeOptions | number): Promise<ChangeEvent[]> {
    const { filter, values } = changeQuery(options);
    return (await this.changeRows(filter, values)).map(this.rows.toChangeEvent);
  }

  async pageChanges(name: string, after: number, limit: number): Promise<ChangeEvent[]> {
    return (await this.pageChangeRows(name, after, limit)).map(this.rows.toChangeEvent);
  }
}
