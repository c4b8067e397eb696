// The page store: what the HTTP layer may ask of any backend. Nothing here knows about HTTP.

/** The current state of a page name, read without its content (the 304 path). */
export interface PageState {
  readonly name: string;
  /** The latest revision number, deletions included; 0 when the name was never written. */
  readonly revision: number;
  /** False when the page was never created or its latest revision is a deletion. */
  readonly exists: boolean;
  /** Strong, quoted entity-tag of the current content; undefined when it does not exist. */
  readonly etag?: string;
  /** When the latest revision was made, in ms since the epoch. */
  readonly lastModified: number;
  /** True when an earlier revision of this page shares the latest one's second. */
  readonly lastModifiedIsWeak: boolean;
  /** Size of the current content in bytes (UTF-8). */
  readonly size: number;
}

export interface RevisionInfo {
  readonly revision: number;
  /** The ETag the page had while this revision was current; null for a deletion. */
  readonly etag: string | null;
  readonly lastModified: number;
  readonly lastModifiedIsWeak: boolean;
  readonly size: number;
  readonly summary: string;
  readonly author: string;
  readonly deleted: boolean;
}

export interface PageSummary {
  readonly name: string;
  readonly revision: number;
  readonly etag: string;
  readonly lastModified: number;
  readonly size: number;
}

export interface WriteInfo {
  readonly summary: string;
  readonly author: string;
  /**
   * The writer may not edit protected pages: the write commits only if the page is not
   * protected, checked inside the write's own transaction (so a protection made after the
   * caller's own check still holds).
   */
  readonly unlessProtected?: boolean;
  /**
   * What the search index gets for this revision: the page's text as read, without markup
   * (src/pages/plain-text.ts), from which snippets are cut; the content itself when absent.
   */
  readonly searchText?: string;
  /**
   * The pages this revision links to (src/pages/page-links.ts), which replace the page's rows of
   * the links table in the write's transaction; none when absent.
   */
  readonly links?: readonly string[];
  /**
   * Who asks, for fair scheduling only (an account, or a client address): writes queue per
   * writer and writers take turns, so one bulk importer cannot delay another person's save.
   * Unset: the author.
   */
  readonly writer?: string;
}

/**
 * A conditional write either commits against the revision the caller decided on, or
 * reports that the page moved on ('conflict') or is protected against this writer
 * ('protected', which wins over 'conflict'). `expectedRevision` is the compare in
 * compare-and-swap.
 */
export type WriteResult =
  | { readonly ok: true; readonly state: PageState }
  | { readonly ok: false; readonly reason: 'conflict' | 'protected' }
  /**
   * A creation refused because `existing` (a page, or a deleted page's name) has the same fold
   * key (src/storage/page-name-key.ts): it differs only by case, compatibility form or invisible
   * characters. The store's unique index decides it, in the write's transaction.
   */
  | { readonly ok: false; readonly reason: 'lookalike'; readonly existing: string };

/** A page that links to another: `via` is the redirect its link goes through (a page moved since). */
export interface Backlink {
  readonly name: string;
  readonly via?: string;
}

/** What a move writes: as a write, and whether the page's subpages (`From/…`) go along. */
export interface MoveInfo extends WriteInfo {
  readonly withSubpages: boolean;
}

/**
 * A move either commits (`moved`: each name and the state of its page at the new name, the
 * page itself first) or is refused: the source moved on or is gone ('conflict'), a page or a
 * deleted page's history is at a destination ('destination-exists'), a destination looks like
 * another page's name ('lookalike'), or a name involved is protected ('protected').
 */
export type MoveResult =
  | { readonly ok: true; readonly state: PageState; readonly moved: readonly { readonly from: string; readonly to: string }[] }
  | { readonly ok: false; readonly reason: 'conflict' | 'protected' }
  | { readonly ok: false; readonly reason: 'destination-exists' | 'lookalike'; readonly existing: string };

export interface ListOptions {
  readonly limit: number;
  /** Names strictly after this one, in binary (code point) order. */
  readonly after?: string;
  /** Only names that start with this (`Team/`: the subpages of Team), read as one index range. */
  readonly prefix?: string;
  /** With `prefix`: only names with no further "/" after it (a page's direct subpages). */
  readonly children?: boolean;
}

export interface HistoryOptions {
  readonly limit: number;
  /** Revisions strictly older than this one. */
  readonly before?: number;
}

/** Which changes recentChanges lists: each filter is an indexed range scan, newest first. */
export interface ChangeOptions {
  readonly limit: number;
  /** Changes strictly older than this sequence (the cursor of "older changes"). */
  readonly before?: number;
  /** Only this page's changes. */
  readonly name?: string;
  /** Only this author's changes. */
  readonly author?: string;
}

export interface ChangeEvent {
  /**
   * The store-wide number of this change: unique, and rising with the revisions of one page.
   * Across pages it need not follow commit order (PostgreSQL commits concurrent writers in
   * any order), so no reader may take "everything up to n" from it.
   */
  readonly sequence: number;
  readonly name: string;
  readonly revision: number;
  readonly etag: string | null;
  readonly deleted: boolean;
  readonly summary: string;
  readonly author: string;
  readonly lastModified: number;
}

/**
 * A page's text as the search index should get it, from its stored content (the wiki's
 * Markdown-to-plain-text, src/pages/plain-text.ts): for pages indexed when a store opens, which
 * were written before the index kept plain text. The content itself where none is given.
 */
export type PlainText = (content: string) => string;

/**
 * The pages a revision's text links to (src/pages/page-links.ts): for pages stored before the
 * links table, whose links a store reads once, when it opens.
 */
export type LinkTargets = (content: string) => readonly string[];

/** Matched words in a search snippet are wrapped in these two control characters. */
export const SNIPPET_MARK_OPEN = '\u0002';
export const SNIPPET_MARK_CLOSE = '\u0003';

export interface SearchHit {
  readonly name: string;
  /** Plain text around the matches, matched words between SNIPPET_MARK_OPEN and SNIPPET_MARK_CLOSE. */
  readonly snippet: string;
  /** Lower is better. */
  readonly rank: number;
}

export interface PageStore {
  /** Metadata only: must not read the content, so a 304 costs the same for any page size. */
  head(name: string): Promise<PageState>;
  /**
   * What head() would answer, when this process knows it exactly (a validator cache that the
   * store keeps current), with no I/O; undefined when only head() can tell. It lets the
   * commonest read, a revalidation, be answered without a promise.
   */
  currentHead?(name: string): PageState | undefined;
  /**
   * The page's state as this process last saw it, with no I/O; possibly stale, so only for a
   * write, whose compare-and-swap refuses a stale revision. Absent where head() is as cheap.
   */
  lastKnown?(name: string): PageState | undefined;
  /**
   * Which of `names` are pages that exist now: one query however many names (a page's links are
   * looked up together, never one query per link).
   */
  existingPages(names: readonly string[]): Promise<Set<string>>;
  /** The content of one revision (immutable once written); undefined for none or a deletion. */
  content(name: string, revision: number): Promise<string | undefined>;
  /** Creates or replaces the page iff its latest revision is still `expectedRevision`. */
  put(name: string, content: string, expectedRevision: number, info: WriteInfo): Promise<WriteResult>;
  /** Deletes the page iff it exists and its latest revision is still `expectedRevision`. */
  delete(name: string, expectedRevision: number, info: WriteInfo): Promise<WriteResult>;
  /**
   * Moves the page `from` to the unused name `to` iff its latest revision is still
   * `expectedRevision`, in one transaction: its history goes along (revisions keep their numbers,
   * bytes and tags) and gets a new revision at `to` (same content), its links go along, `from`
   * becomes a redirect to `to` (redirects to `from` follow, chains collapse), and with
   * `withSubpages` every `from/…` page moves to `to/…` the same way, all or nothing.
   */
  move(from: string, to: string, expectedRevision: number, info: MoveInfo): Promise<MoveResult>;
  /** Where `name` redirects (a page moved away from it); undefined when it is no redirect. */
  redirect(name: string): Promise<string | undefined>;
  /** Which of `names` are redirects: one query however many (a page's red links). */
  redirected(names: readonly string[]): Promise<Set<string>>;
  /**
   * The pages that link to `name`, directly or through a redirect to it, in name order after
   * `after`; at most `limit`. Read from the links table, never by scanning pages.
   */
  backlinks(name: string, options: { readonly limit: number; readonly after?: string }): Promise<Backlink[]>;
  list(options: ListOptions): Promise<{ pages: PageSummary[]; more: boolean }>;
  history(name: string, options: HistoryOptions): Promise<RevisionInfo[]>;
  revision(name: string, revision: number): Promise<RevisionInfo | undefined>;
  /**
   * The latest committed changes anywhere in the store, newest (highest sequence) first; a
   * number is the limit alone. Every change is reachable by paging with `before`.
   */
  recentChanges(options: ChangeOptions | number): Promise<ChangeEvent[]>;
  /** One page's changes after revision `after`, oldest first (for event replay after a reconnect). */
  pageChanges(name: string, after: number, limit: number): Promise<ChangeEvent[]>;
  /**
   * Current pages matching every part of `query` (search-query.ts: words, "phrases", prefixes),
   * pages whose name matches first, then best first, then by name; the `limit` hits after the
   * first `offset`. [] when it has no words.
   */
  search(query: string, limit: number, offset?: number): Promise<SearchHit[]>;
  /**
   * Subscribes to committed changes, including those made by other processes where the
   * backend can tell. `missed` is called when some may not have been delivered (the feed from
   * other processes was cut off for a while): the subscriber re-reads what it depends on.
   */
  onChange(listener: (event: ChangeEvent) => void, missed?: () => void): () => void;
  /** Finishes queued writes, then releases the backend. */
  close(): Promise<void>;
  /**
   * Compresses every revision that stopped being current and is still stored plain, in bounded
   * batches (the store also does this by itself in the background); resolves when none is left.
   */
  compactHistory?(): Promise<void>;
  /** Reports each committed write batch to `measurements` (metrics); absent where nothing is measured. */
  observe?(measurements: StoreMeasurements): void;
  /** The connection pool's use now (PostgreSQL); absent for a store without a pool. */
  poolUse?(): PoolUse;
}

/** What a store reports for metrics (http/metrics.ts). */
export interface StoreMeasurements {
  /** A write batch was committed: how many writes, in how many seconds. */
  batchCommitted(writes: number, seconds: number): void;
}

export interface PoolUse {
  /** Connections open. */
  readonly total: number;
  readonly idle: number;
  /** Checkouts waiting for a connection. */
  readonly waiting: number;
}

/** Error codes a backend raises; the HTTP layer maps them to problem responses. */
export type StoreErrorCode = 'unavailable' | 'corrupt';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}
