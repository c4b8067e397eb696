import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { type BatchOutcome, GroupCommit, outcomeOf } from '../group-commit.js';
import { type BatchSettings, type PageWrite, pageWriteLimits } from '../page-write.js';
import { type CompactorOptions, type HistoryCompactor, storeCompactor } from '../history-compactor.js';
import { pageNameKey } from '../page-name-key.js';
import { decodeRevisionSync, storedText } from '../revision-codec.js';
import { revisionEtag } from '../revision-etag.js';
import type { ChangeEvent, LinkTargets, MoveInfo, MoveResult, PageState, PageStore, PlainText, SearchHit, WriteInfo, WriteResult } from '../store.js';
import type { NameRange } from '../name-range.js';
import type { BacklinkRow } from '../link-queries.js';
import { fillUnscannedLinks, linkStatements, replaceLinks } from './sqlite-links.js';
import { applyMove, type MoveJob, moveStatements } from './sqlite-move.js';
import { fts5Match, parseSearchQuery, RANKED_MATCHES, type SearchQuery } from '../search-query.js';
import { searchSnippet, snippetSource } from '../search-snippet.js';
import { indexedColumn, storedSearchText } from '../search-terms.js';
import { PAGE_COLUMNS, REVISION_COLUMNS } from '../columns.js';
import { SqlPageStore } from '../sql-page-store.js';
import { type PageRow as PageRowOf, type RevisionRow as RevisionRowOf, rowDecoder } from '../rows.js';
import { CHANGE_FILTERS, type ChangeFilter, changeQuerySql } from '../change-query.js';
import { openDatabase } from './connection.js';
import { withStoreErrors, asStoreError } from './errors.js';
import { acquireLock } from './file-lock.js';
import { migrate } from './schema.js';
import { NEXT_LAST_MODIFIED_IS_WEAK, NEXT_MODIFIED, SQLITE_VALUES } from './values.js';
import { QUEUE_SUPERSEDED_SQL, sqliteCompaction } from './sqlite-compaction.js';

export interface SqliteStoreOptions extends BatchSettings {
  /** The clock that dates revisions (ms since the epoch); replaceable for tests. */
  readonly clock?: () => number;
  /** How often other processes' commits are looked for while anyone listens for changes (ms). */
  readonly changePollMs?: number;
  /** Most page states kept in the validator cache. */
  readonly cacheEntries?: number;
  /**
   * Other processes write this file too (--workers). A shared store asks SQLite on every read
   * whether anyone else committed (PRAGMA data_version); a lone one holds a lock file instead
   * and trusts its cache.
   */
  readonly shared?: boolean;
  /** Hears the text of every statement SQLite runs (tests count queries with it). */
  readonly onStatement?: (text: string) => void;
  /** How superseded revisions are compressed (src/storage/history-compactor.ts). */
  readonly compaction?: CompactorOptions;
  /** How pages indexed at open, or moved, get their plain text (store.ts PlainText). */
  readonly plainText?: PlainText;
  /**
   * How pages stored before the links table get their links, at open (src/pages/page-links.ts).
   * Without it they wait for a store opened with it.
   */
  readonly linkTargets?: LinkTargets;
}

type PageRow = PageRowOf<number, number>;
type RevisionRow = RevisionRowOf<number, number>;
const ROWS = rowDecoder(SQLITE_VALUES);

/** A write and the time it was asked for (the clock is read as it arrives, not as it commits). */
type WriteJob = PageWrite & { readonly now: number };

const UNSEARCHED_BATCH = 200;

/** The statements of the page store, prepared once per connection. */
function pageStatements(db: Database.Database) {
  return {
    head: db.prepare<[string], PageRow>(`SELECT ${PAGE_COLUMNS} FROM pages WHERE name = ?`),
    content: db.prepare<[string, number], { content: string | Buffer | null; encoding: number }>(
      'SELECT content, encoding FROM revisions WHERE name = ? AND revision = ?',
    ),
    queueSuperseded: db.prepare<[string, number], unknown>(QUEUE_SUPERSEDED_SQL),
    // No row when the name, or its fold key (a look-alike: page-name-key.ts), is taken.
    create: db.prepare<Record<string, unknown>, PageRow>(
      `INSERT INTO pages (name, revision, deleted, etag, modified_ms, date_shared, size, name_key)
       VALUES (@name, 1, 0, @etag, CAST(@now AS INTEGER), 0, @size, @key)
       ON CONFLICT DO NOTHING RETURNING ${PAGE_COLUMNS}`,
    ),
    // The holder of a fold key, unless the name itself is taken (then it is a plain conflict).
    lookalike: db.prepare<[{ key: string; name: string }], string>(
      'SELECT k.name FROM pages k WHERE k.name_key = @key AND NOT EXISTS (SELECT 1 FROM pages p WHERE p.name = @name)',
    ).pluck(),
    replace: db.prepare<Record<string, unknown>, PageRow>(
      `UPDATE pages SET revision = revision + 1, deleted = 0, etag = @etag, size = @size,
         modified_ms = ${NEXT_MODIFIED}, date_shared = ${NEXT_LAST_MODIFIED_IS_WEAK}
       WHERE name = @name AND revision = @expected RETURNING ${PAGE_COLUMNS}`,
    ),
    remove: db.prepare<Record<string, unknown>, PageRow>(
      `UPDATE pages SET revision = revision + 1, deleted = 1, etag = NULL, size = 0,
         modified_ms = ${NEXT_MODIFIED}, date_shared = ${NEXT_LAST_MODIFIED_IS_WEAK}
       WHERE name = @name AND revision = @expected AND deleted = 0 RETURNING ${PAGE_COLUMNS}`,
    ),
    record: db.prepare<Record<string, unknown>, RevisionRow>(
      `INSERT INTO revisions (name, revision, deleted, etag, modified_ms, date_shared, size, summary, author, content)
       VALUES (@name, @revision, @deleted, @etag, @modified_ms, @date_shared, @size, @summary, @author, @content)
       RETURNING ${REVISION_COLUMNS}`,
    ),
    // The names travel as one JSON array: one statement, whatever their number.
    existing: db.prepare<[string], string>(
      'SELECT name FROM pages WHERE deleted = 0 AND name IN (SELECT value FROM json_each(?))',
    ).pluck(),
    // One range of the name index (name-range.ts); @depth keeps the direct children of a prefix.
    list: db.prepare<Record<string, unknown>, PageRow>(
      `SELECT ${PAGE_COLUMNS} FROM pages WHERE deleted = 0 AND name > @after AND name >= @from
       AND (@depth IS NULL OR instr(substr(name, @depth + 1), '/') = 0) ORDER BY name LIMIT @limit`,
    ),
    listRange: db.prepare<Record<string, unknown>, PageRow>(
      `SELECT ${PAGE_COLUMNS} FROM pages WHERE deleted = 0 AND name > @after AND name >= @from AND name < @to
       AND (@depth IS NULL OR instr(substr(name, @depth + 1), '/') = 0) ORDER BY name LIMIT @limit`,
    ),
    history: db.prepare<[string, number, number], RevisionRow>(
      `SELECT ${REVISION_COLUMNS} FROM revisions WHERE name = ? AND revision < ? ORDER BY revision DESC LIMIT ?`,
    ),
    revision: db.prepare<[string, number], RevisionRow>(
      `SELECT ${REVISION_COLUMNS} FROM revisions WHERE name = ? AND revision = ?`,
    ),
    sequence: db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'revisions'"),
    since: db.prepare<[number, number], RevisionRow>(
      `SELECT ${REVISION_COLUMNS} FROM revisions WHERE seq > ? ORDER BY seq LIMIT ?`,
    ),
    recent: new Map(
      CHANGE_FILTERS.map((filter) => [filter, db.prepare<(string | number)[], RevisionRow>(changeQuerySql(REVISION_COLUMNS, filter, () => '?'))]),
    ) as ReadonlyMap<ChangeFilter, Database.Statement<(string | number)[], RevisionRow>>,
    pageChanges: db.prepare<[string, number, number], RevisionRow>(
      `SELECT ${REVISION_COLUMNS} FROM revisions WHERE name = ? AND revision > ? ORDER BY revision LIMIT ?`,
    ),
    dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
    isProtected: db.prepare<[string], number>('SELECT 1 FROM page_protection WHERE name = ?').pluck(),
    ...searchStatements(db),
  };
}

/**
 * The batch transaction: each job runs in its own savepoint (a nested transaction), so one
 * failing write is rolled back alone; the batch commits once, and only then is anyone answered.
 */
function batchTransaction(db: Database.Database, applyOne: (job: WriteJob) => WriteResult) {
  const one = db.transaction(applyOne);
  return db.transaction((jobs: WriteJob[]) =>
    jobs.map((job): BatchOutcome => {
      try {
        return { result: one(job) };
      } catch (error) {
        return { error: asStoreError(error) };
      }
    }),
  );
}

/**
 * The search index: search_text keeps the start of each current page's plain text (its
 * snippets' source, deflated) by the seq of its revision, page_search (contentless FTS5) the
 * words of its name and whole text. Pages whose name matches every part
 * come first, then bm25 with the name weighing ten times the body, then the name; for an
 * unselective query (RANKED_MATCHES), name matches and then the newest, each walked by
 * descending rowid (the seq) and stopped as soon as enough are found.
 */
function searchStatements(db: Database.Database) {
  return {
    seqOf: db.prepare<[string, number], number>('SELECT seq FROM revisions WHERE name = ? AND revision = ?').pluck(),
    unindex: db.prepare<[number], unknown>('DELETE FROM page_search WHERE rowid = ?'),
    unindexText: db.prepare<[number], unknown>('DELETE FROM search_text WHERE seq = ?'),
    index: db.prepare<[number | bigint, string, string], unknown>('INSERT INTO page_search (rowid, name, body) VALUES (?, ?, ?)'),
    indexText: db.prepare<[number | bigint, Buffer], unknown>('INSERT INTO search_text (seq, body) VALUES (?, ?)'),
    // The hits of one result page, each list as one JSON array: one statement, not one per hit.
    searchTexts: db.prepare<[string], { seq: number; body: Buffer }>('SELECT seq, body FROM search_text WHERE seq IN (SELECT value FROM json_each(?))'),
    unsearched: db.prepare<[string, number], { name: string; revision: number; seq: number }>(
      `SELECT p.name, p.revision, r.seq FROM pages p JOIN revisions r ON r.name = p.name AND r.revision = p.revision
       WHERE p.deleted = 0 AND p.name > ? AND NOT EXISTS (SELECT 1 FROM search_text s WHERE s.seq = r.seq)
       ORDER BY p.name LIMIT ?`,
    ),
    searchCount: db.prepare<[string, number], number>(
      'SELECT count(*) FROM (SELECT 1 FROM page_search WHERE page_search MATCH ? LIMIT ?)',
    ).pluck(),
    recentTitles: db.prepare<[string, number], number>(
      'SELECT rowid FROM page_search WHERE page_search MATCH ? ORDER BY rowid DESC LIMIT ?',
    ).pluck(),
    recentBodies: db.prepare<Record<string, unknown>, number>(
      `SELECT rowid FROM page_search WHERE page_search MATCH @match
         AND rowid NOT IN (SELECT rowid FROM page_search WHERE page_search MATCH @title)
       ORDER BY rowid DESC LIMIT @limit`,
    ).pluck(),
    namesOf: db.prepare<[string], { seq: number; name: string }>('SELECT seq, name FROM revisions WHERE seq IN (SELECT value FROM json_each(?))'),
    search: db.prepare<Record<string, unknown>, { seq: number; name: string; rank: number }>(
      `SELECT h.seq, r.name, h.rank FROM (
         SELECT rowid AS seq, bm25(page_search, 10.0, 1.0) AS rank FROM page_search WHERE page_search MATCH @match
       ) h JOIN revisions r ON r.seq = h.seq
       ORDER BY h.seq NOT IN (SELECT rowid FROM page_search WHERE page_search MATCH @title), h.rank, r.name
       LIMIT @limit OFFSET @offset`,
    ),
  };
}

/**
 * The embedded store: one SQLite file in WAL mode, every commit fsynced before it is
 * acknowledged. Several processes may share the file (each its own instance).
 */
export class SqlitePageStore extends SqlPageStore<number, number> implements PageStore {
  private readonly db: Database.Database;
  private readonly writes: GroupCommit<WriteJob, BatchOutcome>;
  private readonly listeners = new Set<(event: ChangeEvent) => void>();
  private readonly statements: ReturnType<typeof pageStatements>;
  private readonly applyBatch: ReturnType<typeof batchTransaction>;
  private readonly clock: () => number;
  private readonly changePollMs: number;
  private readonly cacheEntries: number;
  /** Page states by name, valid while data_version says no other connection has committed. */
  private readonly validators = new Map<string, PageState>();
  private seenDataVersion = -1;
  /** data_version when the change poller last looked; separate, as reads also move seenDataVersion. */
  private polledDataVersion = -1;
  /** The last change sequence handed to listeners. */
  private emittedSequence = 0;
  private poller: NodeJS.Timeout | undefined;
  private readonly shared: boolean;
  private readonly releaseLock: () => void;
  private readonly compactor: HistoryCompactor;
  private readonly links: ReturnType<typeof linkStatements>;
  private readonly moves: ReturnType<typeof moveStatements>;
  private readonly applyMoveJob: Database.Transaction<(job: MoveJob) => MoveResult>;
  private readonly plainText: PlainText;

  constructor(
    readonly file: string,
    options: SqliteStoreOptions = {},
  ) {
    super(ROWS);
    this.clock = options.clock ?? Date.now;
    this.changePollMs = options.changePollMs ?? 50;
    this.cacheEntries = options.cacheEntries ?? 100_000;
    this.shared = options.shared ?? false;
    mkdirSync(dirname(file), { recursive: true });
    this.releaseLock = this.shared ? () => {} : acquireLock(`${file}.lock`);
    try {
      this.db = openDatabase(file, options);
    } catch (error) {
      this.releaseLock();
      throw error;
    }
    withStoreErrors(() => migrate(this.db));
    this.statements = pageStatements(this.db);
    this.links = linkStatements(this.db);
    this.moves = moveStatements(this.db);
    this.plainText = options.plainText ?? ((content) => content);
    this.applyMoveJob = this.db.transaction((job: MoveJob) => applyMove(this.moves, ROWS, job, { recorded: (name, previous, seq) => this.recordedMove(name, previous, seq) }));
    this.applyBatch = batchTransaction(this.db, (job) => this.applyOne(job));
    this.writes = new GroupCommit<WriteJob, BatchOutcome>((jobs) => this.commit(jobs), pageWriteLimits(options));
    this.emittedSequence = this.statements.sequence.get()?.seq ?? 0;
    this.compactor = storeCompactor(sqliteCompaction(this.db), options.compaction);
    withStoreErrors(() => this.indexUnsearchedPages(this.plainText));
    if (options.linkTargets) withStoreErrors(() => fillUnscannedLinks(this.db, this.links, options.linkTargets!));
  }

  /**
   * Commits a batch (GroupCommit's commit): one IMMEDIATE transaction, on disk before anyone is
   * answered. Then the cache learns the new states and the compactor and listeners hear of it.
   */
  private commit(jobs: WriteJob[]): BatchOutcome[] {
    let committed: BatchOutcome[];
    try {
      const started = performance.now();
      committed = this.applyBatch.immediate(jobs);
      this.measurements?.batchCommitted(jobs.length, (performance.now() - started) / 1000);
    } catch (error) {
      this.validators.clear();
      throw asStoreError(error);
    }
    for (const outcome of committed) {
      if ('result' in outcome && outcome.result.ok) this.remember(outcome.result.state);
    }
    this.compactor.nudge();
    // Listeners hear of the commit after it is durable, outside the batch, so a listener
    // that throws cannot undo or fail anyone's write.
    queueMicrotask(() => this.drainChanges());
    return committed;
  }

  private indexSearch(seq: number | bigint, name: string, text: string): void {
    const body = storedSearchText(text);
    // Deflated: plain text is most of a page's size, and snippets inflate only the hits shown.
    this.statements.indexText.run(seq, deflateRawSync(snippetSource(body)));
    this.statements.index.run(seq, indexedColumn(name), indexedColumn(body));
  }

  private unindexSearch(seq: number): void {
    this.statements.unindexText.run(seq);
    this.statements.unindex.run(seq);
  }

  /**
   * Current pages the search index lacks (a store made before search_text existed) get
   * their content indexed, a batch per transaction, so an interrupted open resumes where it
   * stopped.
   */
  private indexUnsearchedPages(plainText: PlainText): void {
    const s = this.statements;
    const batch = this.db.transaction((after: string) => {
      const missing = s.unsearched.all(after, UNSEARCHED_BATCH);
      for (const row of missing) {
        const stored = s.content.get(row.name, row.revision);
        const text = stored?.content == null ? '' : decodeRevisionSync(stored.encoding, stored.content);
        this.indexSearch(row.seq, row.name, plainText(text));
      }
      return missing.length < UNSEARCHED_BATCH ? undefined : missing[missing.length - 1]!.name;
    });
    for (let after: string | undefined = ''; after !== undefined; ) after = batch.immediate(after);
  }

  /** Caches a page state. Our own commits do not change our data_version; only others' do. */
  private remember(state: PageState): void {
    if (this.validators.size >= this.cacheEntries) this.validators.clear();
    this.validators.set(state.name, state);
  }

  /** In a shared store the validator cache is exact only while no other connection has committed. */
  private checkOtherWriters(): void {
    if (!this.shared) return;
    const version = this.statements.dataVersion.get()!;
    if (version !== this.seenDataVersion) {
      this.validators.clear();
      this.seenDataVersion = version;
    }
  }

  // Runs inside the batch transaction. The UPDATE/INSERT is the compare-and-swap: it
  // changes a row only if the page is still at the revision the caller decided on.
  private applyOne(job: WriteJob): WriteResult {
    const s = this.statements;
    if (job.info.unlessProtected && s.isProtected.get(job.name) !== undefined) return { ok: false, reason: 'protected' };
    const params = { name: job.name, expected: job.expectedRevision, now: job.now };
    let row: PageRow | undefined;
    let content: string | null = null;
    if (job.kind === 'put') {
      content = job.content;
      const write = { ...params, etag: revisionEtag(content), size: Buffer.byteLength(content, 'utf8') };
      if (job.expectedRevision === 0) {
        const key = pageNameKey(job.name);
        row = s.create.get({ ...write, key });
        const existing = row ? undefined : s.lookalike.get({ key, name: job.name });
        if (existing !== undefined) return { ok: false, reason: 'lookalike', existing };
      } else {
        row = s.replace.get(write);
      }
    } else {
      row = s.remove.get(params);
    }
    if (!row) return { ok: false, reason: 'conflict' };
    const { lastInsertRowid: seq } = s.record.run({ ...row, summary: job.info.summary, author: job.info.author, content });
    // The search index follows the current revision, in the same transaction.
    const previous = s.seqOf.get(job.name, job.expectedRevision);
    if (previous !== undefined) this.unindexSearch(previous);
    if (content !== null) this.indexSearch(seq, job.name, job.info.searchText ?? content);
    // The revision this one supersedes is queued for compression, in the same transaction.
    if (job.expectedRevision > 0) s.queueSuperseded.run(job.name, job.expectedRevision);
    // So are the page's links (backlinks).
    replaceLinks(this.links, job.name, job.expectedRevision === 0, job.kind === 'put' ? (job.info.links ?? []) : []);
    return { ok: true, state: ROWS.toState(row, job.name) };
  }

  /** In a move's transaction: the search index and the compaction queue follow the moved page's new revision. */
  private recordedMove(name: string, previousRevision: number, seq: number): void {
    const s = this.statements;
    const previous = s.seqOf.get(name, previousRevision);
    if (previous !== undefined) this.unindexSearch(previous);
    const stored = s.content.get(name, previousRevision);
    const text = stored?.content == null ? '' : decodeRevisionSync(stored.encoding, stored.content);
    this.indexSearch(seq, name, this.plainText(text));
    s.queueSuperseded.run(name, previousRevision);
  }

  async move(from: string, to: string, expectedRevision: number, info: MoveInfo): Promise<MoveResult> {
    // Its own IMMEDIATE transaction: synchronous, so no batch of writes can come between.
    const result = withStoreErrors(() => this.applyMoveJob.immediate({ from, to, expectedRevision, info, now: this.clock() }));
    if (!result.ok) return result;
    for (const names of result.moved) {
      this.validators.delete(names.from);
      this.validators.delete(names.to);
    }
    this.compactor.nudge();
    queueMicrotask(() => this.drainChanges());
    return result;
  }

  protected redirectedRows(names: readonly string[]): { name: string }[] {
    return withStoreErrors(() => this.links.redirected.all(JSON.stringify(names)));
  }

  protected redirectRow(name: string): { target: string } | undefined {
    return withStoreErrors(() => this.links.redirect.get(name));
  }

  protected backlinkRows(name: string, after: string, limit: number): BacklinkRow[] {
    return withStoreErrors(() => this.links.backlinks.all({ p1: name, p2: after, p3: limit }));
  }

  /**
   * Hands every change after the last one emitted to the listeners, in sequence order.
   * One path for our own commits and other processes' alike, so none is missed or doubled.
   */
  private drainChanges(): void {
    if (this.listeners.size === 0 || !this.db.open) return;
    let changes: RevisionRow[];
    do {
      try {
        changes = this.statements.since.all(this.emittedSequence, 500);
      } catch {
        return; // the next commit or poll tries again
      }
      for (const row of changes) {
        this.emittedSequence = row.seq;
        const event = ROWS.toChangeEvent(row);
        for (const listener of this.listeners) {
          try {
            listener(event);
          } catch (error) {
            process.emitWarning(`A change listener threw: ${String(error)}`);
          }
        }
      }
    } while (changes.length === 500);
  }

  async head(name: string): Promise<PageState> {
    return withStoreErrors(() => {
      this.checkOtherWriters();
      let state = this.validators.get(name);
      if (state === undefined) {
        state = ROWS.toState(this.statements.head.get(name), name);
        this.remember(state);
      }
      return state;
    });
  }

  currentHead(name: string): PageState | undefined {
    try {
      this.checkOtherWriters();
    } catch {
      return undefined; // head() reports the error
    }
    return this.validators.get(name);
  }

  async existingPages(names: readonly string[]): Promise<Set<string>> {
    return withStoreErrors(() => {
      this.checkOtherWriters();
      const found = new Set<string>();
      const unknown: string[] = [];
      for (const name of new Set(names)) {
        const state = this.validators.get(name);
        if (state === undefined) unknown.push(name);
        else if (state.exists) found.add(name);
      }
      if (unknown.length > 0) for (const name of this.statements.existing.all(JSON.stringify(unknown))) found.add(name);
      return found;
    });
  }

  async content(name: string, revision: number): Promise<string | undefined> {
    return storedText(withStoreErrors(() => this.statements.content.get(name, revision)));
  }

  /** Compresses every revision queued for it now, in the compactor's bounded batches. */
  compactHistory(): Promise<void> {
    return this.compactor.compactAll();
  }

  async put(name: string, content: string, expectedRevision: number, info: WriteInfo): Promise<WriteResult> {
    return outcomeOf(await this.writes.submit({ kind: 'put', name, content, expectedRevision, info, now: this.clock() }));
  }

  async delete(name: string, expectedRevision: number, info: WriteInfo): Promise<WriteResult> {
    return outcomeOf(await this.writes.submit({ kind: 'delete', name, expectedRevision, info, now: this.clock() }));
  }

  protected listRows(after: string, limit: number, range: NameRange): PageRow[] {
    const values = { after, limit, from: range.from, to: range.to, depth: range.childrenAfter };
    return withStoreErrors(() => (range.to === null ? this.statements.list : this.statements.listRange).all(values));
  }

  protected historyRows(name: string, before: number, limit: number): RevisionRow[] {
    return withStoreErrors(() => this.statements.history.all(name, before, limit));
  }

  protected revisionRow(name: string, revision: number): RevisionRow | undefined {
    return withStoreErrors(() => this.statements.revision.get(name, revision));
  }

  protected changeRows(filter: ChangeFilter, values: (string | number)[]): RevisionRow[] {
    return withStoreErrors(() => this.statements.recent.get(filter)!.all(...values));
  }

  protected pageChangeRows(name: string, after: number, limit: number): RevisionRow[] {
    return withStoreErrors(() => this.statements.pageChanges.all(name, after, limit));
  }

  async search(query: string, limit: number, offset = 0): Promise<SearchHit[]> {
    const parsed = parseSearchQuery(query);
    if (parsed.parts.length === 0) return [];
    const s = this.statements;
    return withStoreErrors(() => {
      const match = fts5Match(parsed);
      const title = fts5Match(parsed, 'name');
      const rows =
        s.searchCount.get(match, RANKED_MATCHES + 1)! > RANKED_MATCHES
          ? this.recentHits(match, title, limit, offset)
          : s.search.all({ match, title, limit, offset });
      const bodies = new Map(s.searchTexts.all(JSON.stringify(rows.map((row) => row.seq))).map((row) => [row.seq, row.body]));
      return rows.map((row) => this.hit(row, bodies.get(row.seq), parsed));
    });
  }

  /** Name matches, then the rest, each newest first; only offset + limit of each are read. */
  private recentHits(match: string, title: string, limit: number, offset: number): { seq: number; name: string; rank: number }[] {
    const s = this.statements;
    const wanted = offset + limit;
    const titles = s.recentTitles.all(title, wanted);
    const seqs = titles.length >= wanted ? titles : [...titles, ...s.recentBodies.all({ match, title, limit: wanted - titles.length })];
    const shown = seqs.slice(offset);
    const names = new Map(s.namesOf.all(JSON.stringify(shown)).map((row) => [row.seq, row.name]));
    return shown.map((seq) => ({ seq, name: names.get(seq)!, rank: 0 }));
  }

  /** Snippets only for the hits shown, from their plain text. */
  private hit(row: { seq: number; name: string; rank: number }, body: Buffer | undefined, query: SearchQuery): SearchHit {
    return { name: row.name, rank: row.rank, snippet: searchSnippet(body === undefined ? '' : inflateRawSync(body).toString('utf8'), query) };
  }

  onChange(listener: (event: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    // Other processes' commits show up as a new data_version; look for them while anyone listens.
    this.poller ??= setInterval(() => {
      try {
        const version = this.statements.dataVersion.get()!;
        if (version !== this.polledDataVersion) {
          this.polledDataVersion = version;
          this.drainChanges();
        }
      } catch {
        // a busy or closing database: the next tick tries again
      }
    }, this.changePollMs).unref();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.poller) {
        clearInterval(this.poller);
        this.poller = undefined;
      }
    };
  }

  async close(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    // The batch in progress finishes first; then nothing may come between the last writes and the close.
    await this.compactor.close();
    this.writes.flush();
    this.db.close();
    this.releaseLock();
  }
}
