import { type CompactorOptions, type HistoryCompactor, storeCompactor } from '../history-compactor.js';
import { type StoredRevision, storedText } from '../revision-codec.js';
import type { ChangeEvent, LinkTargets, MoveInfo, MoveResult, PageState, PageStore, PlainText, SearchHit, WriteInfo, WriteResult, PoolUse } from '../store.js';
import type { NameRange } from '../name-range.js';
import { backlinksSql, type BacklinkRow, REDIRECT_SQL } from '../link-queries.js';
import { applyPostgresMove, type MoveChannels, type MoveOutcome, type PostgresMove } from './postgres-move.js';
import { fillUnscannedLinks } from './links-fill.js';
import { StoreError } from '../store.js';
import { parseSearchQuery, RANKED_MATCHES, tsqueryText } from '../search-query.js';
import { searchSnippet } from '../search-snippet.js';
import { packSnippetSource, STORED_REFERENCE_BYTES, snippetReference, storedSnippetReference, unpackSnippetSource } from '../search-snippet-source.js';
import { nameVectorLiteral, storedSearchText, tsvectorLiteral } from '../search-terms.js';
import { PAGE_COLUMNS, REVISION_COLUMNS } from '../columns.js';
import { SqlPageStore } from '../sql-page-store.js';
import { type PageRow as PageRowOf, type RevisionRow as RevisionRowOf, rowDecoder } from '../rows.js';
import { type ChangeFilter, changeQuerySql } from '../change-query.js';
import { type BatchOutcome, GroupCommit, outcomeOf } from '../group-commit.js';
import { pageWriteLimits } from '../page-write.js';
import { ChangeFeed } from './change-feed.js';
import { channelName, type ConnectionPool, createListenConnection, createPool, type NamedStatement, type PooledConnection, type PostgresStoreOptions } from './driver.js';
import { asStoreError, isConnectionLost } from './errors.js';
import { POSTGRES_VALUES } from './values.js';
import { postgresCompaction } from './postgres-compaction.js';
import { migrate } from './schema.js';
import { pageNameKey } from '../page-name-key.js';
import { BATCH_WRITE_SQL, batchParameters, prepareWrite, type PreparedWrite as Write } from './write-batch.js';
import { KnownStates } from './known-states.js';

export type { PostgresStoreOptions } from './driver.js';

type PageRow = PageRowOf<string, boolean>;
type RevisionRow = RevisionRowOf<string, boolean>;
const ROWS = rowDecoder(POSTGRES_VALUES);

function changeParam(n: number): string {
  return n === 1 ? '$1::bigint' : `$${n}`;
}

/** The stored content of the revision a search row came from: what its snippet refers back to. */
interface StoredReference {
  readonly reference: Buffer;
  readonly reference_encoding: number;
}

/**
 * A search row's snippet source: `body` as rows written before it was deflated hold it, else
 * `snippet`, inflated against its revision's content (search-snippet-source.ts).
 */
type SnippetColumns = { readonly body: string | null; readonly snippet: Buffer | null } & StoredReference;
// Only the start of the content: an uncompressed TOAST value is read in slices.
const SNIPPET_COLUMNS = `s.body, s.snippet, substring(r.content FROM 1 FOR ${STORED_REFERENCE_BYTES}) AS reference, r.encoding AS reference_encoding`;

async function snippetSourceOf(row: SnippetColumns): Promise<string> {
  if (row.body !== null) return row.body;
  return row.snippet === null ? '' : unpackSnippetSource(row.snippet, await storedSnippetReference(row.reference_encoding, row.reference));
}

// Revision numbers arrive from requests, so they are compared as bigint: an absurd number
// finds nothing instead of overflowing the integer column.
const SQL = {
  head: `SELECT ${PAGE_COLUMNS} FROM pages WHERE name = $1`,
  existing: 'SELECT name FROM pages WHERE name = ANY($1::text[]) AND NOT deleted',
  content: 'SELECT content, encoding FROM revisions WHERE name = $1 AND revision = $2::bigint',
  write: BATCH_WRITE_SQL,
  // One range of the name index (name-range.ts); $5 keeps the direct children of a prefix.
  list: `SELECT ${PAGE_COLUMNS} FROM pages WHERE NOT deleted AND name > $1 AND name >= $3
         AND ($4::int IS NULL OR position('/' in substr(name, $4::int + 1)) = 0) ORDER BY name LIMIT $2`,
  listRange: `SELECT ${PAGE_COLUMNS} FROM pages WHERE NOT deleted AND name > $1 AND name >= $3 AND name < $4
              AND ($5::int IS NULL OR position('/' in substr(name, $5::int + 1)) = 0) ORDER BY name LIMIT $2`,
  backlinks: backlinksSql((n) => `$${n}`),
  redirect: REDIRECT_SQL((n) => `$${n}`),
  redirected: 'SELECT name FROM redirects WHERE name = ANY($1::text[])',
  history: `SELECT ${REVISION_COLUMNS} FROM revisions
            WHERE name = $1 AND revision < $2::bigint ORDER BY revision DESC LIMIT $3`,
  revision: `SELECT ${REVISION_COLUMNS} FROM revisions WHERE name = $1 AND revision = $2::bigint`,
  // Search: $1 tsquery text (search-query.ts), $2 limit, $3 offset, $4 one more than
  // RANKED_MATCHES. Pages whose name matches come
  // first, then ts_rank (a name word weighs ten times a body word), then the name. The
  // matches are counted first, from the index (a vector is read only to check a phrase): past
  // RANKED_MATCHES nothing is ranked and the store asks searchRecent instead.
  searchRanked: `WITH m AS MATERIALIZED (
                   SELECT name FROM page_search WHERE vector @@ $1::tsquery LIMIT $4::int
                 ),
                 hits AS MATERIALIZED (
                   SELECT s.name, NOT (s.name_vector @@ $1::tsquery) AS untitled, -ts_rank(s.vector, $1::tsquery, 1) AS rank
                   FROM m JOIN page_search s ON s.name = m.name WHERE (SELECT count(*) FROM m) < $4::int
                   ORDER BY untitled, rank, s.name LIMIT $2 OFFSET $3
                 )
                 SELECT t.matches, x.name, x.rank, x.body, x.snippet, x.reference, x.reference_encoding FROM (SELECT count(*)::int AS matches FROM m) t
                 LEFT JOIN LATERAL (
                   SELECT h.name, h.untitled, h.rank, ${SNIPPET_COLUMNS} FROM hits h JOIN page_search s ON s.name = h.name
                   JOIN revisions r ON r.seq = s.seq
                 ) x ON true
                 ORDER BY x.untitled, x.rank, x.name`,
  // An unselective query (search-query.ts RANKED_MATCHES): name matches, then the newest.
  // Each branch walks seq downwards and stops at $2 + $3 rows.
  searchRecent: `WITH hits AS MATERIALIZED (
                   SELECT name, untitled, seq FROM (
                     (SELECT name, false AS untitled, seq FROM page_search WHERE name_vector @@ $1::tsquery
                      ORDER BY seq DESC LIMIT $2::int + $3::int)
                     UNION ALL
                     (SELECT name, true, seq FROM page_search WHERE vector @@ $1::tsquery AND NOT (name_vector @@ $1::tsquery)
                      ORDER BY seq DESC LIMIT $2::int + $3::int)
                   ) u ORDER BY untitled, seq DESC LIMIT $2 OFFSET $3
                 )
                 SELECT h.name, 0 AS rank, ${SNIPPET_COLUMNS} FROM hits h JOIN page_search s ON s.name = h.name
                 JOIN revisions r ON r.seq = s.seq
                 ORDER BY h.untitled, h.seq DESC`,
  unsearched: `SELECT name, revision FROM pages p
               WHERE NOT deleted AND name > $1 AND NOT EXISTS (SELECT 1 FROM page_search s WHERE s.name = p.name)
               ORDER BY name LIMIT $2`,
  // Only while the page is still at that revision: a write since then indexed it itself.
  indexUnsearched: `INSERT INTO page_search (name, seq, snippet, vector, name_vector)
                    SELECT p.name, r.seq, $3, $4::tsvector, $5::tsvector FROM pages p
                    JOIN revisions r ON r.name = p.name AND r.revision = p.revision
                    WHERE p.name = $1 AND p.revision = $2 AND NOT p.deleted
                    ON CONFLICT (name) DO NOTHING`,
  // Rows whose snippet source is still plain text (a store written before it was deflated).
  plainSnippets: `SELECT s.name, s.seq, ${SNIPPET_COLUMNS}
                  FROM page_search s JOIN revisions r ON r.seq = s.seq
                  WHERE s.body IS NOT NULL AND s.name > $1 ORDER BY s.name LIMIT $2`,
  // Only while the row still holds what was read: a write since then stored its own.
  packSnippets: `UPDATE page_search s SET snippet = c.snippet, body = NULL
                 FROM unnest($1::text[], $2::bigint[], $3::bytea[]) AS c(name, seq, snippet)
                 WHERE s.name = c.name AND s.seq = c.seq AND s.body IS NOT NULL`,
  // Parameters arrive from requests: compared as bigint, an absurd cursor finds nothing.
  recent_all: changeQuerySql(REVISION_COLUMNS, 'all', changeParam),
  recent_page: changeQuerySql(REVISION_COLUMNS, 'page', changeParam),
  recent_author: changeQuerySql(REVISION_COLUMNS, 'author', changeParam),
  'recent_page-author': changeQuerySql(REVISION_COLUMNS, 'page-author', changeParam),
  pageChanges: `SELECT ${REVISION_COLUMNS} FROM revisions
                WHERE name = $1 AND revision > $2::bigint ORDER BY revision LIMIT $3`,
  change: `SELECT ${REVISION_COLUMNS} FROM revisions WHERE seq = $1::bigint`,
  isProtected: 'SELECT 1 FROM page_protection WHERE name = $1',
  // The holder of a fold key, unless the name itself is taken (then it is a plain conflict).
  lookalike: 'SELECT k.name FROM pages k WHERE k.name_key = $1 AND NOT EXISTS (SELECT 1 FROM pages p WHERE p.name = $2)',
} as const;

type StatementName = keyof typeof SQL;

const UNSEARCHED_BATCH = 200;

function statement(name: StatementName, values: readonly unknown[]): NamedStatement {
  return { name: `midair_${name}`, text: SQL[name], values };
}

// Search statements are planned for their values every time, never prepared (a generic plan
// cannot tell a rare word from a common one), and without sequential scans: the planner
// prices a vector match as one operator, but each costs a detoasted vector, so scanning all
// of them to check a phrase took three times as long as the GIN index's candidates (157 ms
// against 47). The plans rely on the table's statistics (autovacuum's ANALYZE).
const PLANNED_EACH_TIME: ReadonlySet<StatementName> = new Set(['searchRanked', 'searchRecent']);

async function searchQuery(connection: PooledConnection, name: StatementName, values: readonly unknown[]) {
  await connection.query('BEGIN READ ONLY; SET LOCAL enable_seqscan = off');
  const result = await connection.query(SQL[name], values);
  await connection.query('COMMIT');
  return result;
}

/** A pooled connection; failing to get one is StoreError('unavailable'). */
async function checkout(pool: ConnectionPool): Promise<PooledConnection> {
  try {
    return await pool.connect();
  } catch (error) {
    throw asStoreError(error);
  }
}

/**
 * Runs a read. A connection the server dropped while it sat idle in the pool is replaced once,
 * so a database restart costs no reader an error. Failures become StoreError('unavailable').
 */
async function select<Row>(pool: ConnectionPool, name: StatementName, values: readonly unknown[]): Promise<Row[]> {
  for (let attempt = 1; ; attempt++) {
    const connection = await checkout(pool);
    try {
      const result = PLANNED_EACH_TIME.has(name) ? await searchQuery(connection, name, values) : await connection.query(statement(name, values));
      connection.release();
      return result.rows as Row[];
    } catch (error) {
      connection.release(error instanceof Error ? error : true);
      if (attempt === 1 && isConnectionLost(error)) continue;
      throw asStoreError(error);
    }
  }
}

async function readChange(db: ConnectionPool, sequence: number): Promise<ChangeEvent | undefined> {
  const rows = await select<RevisionRow>(db, 'change', [sequence]);
  return rows[0] && ROWS.toChangeEvent(rows[0]);
}

const CONFLICT: WriteResult = { ok: false, reason: 'conflict' };
const PROTECTED: WriteResult = { ok: false, reason: 'protected' };

// Nothing was applied, and a second try may well succeed (PostgreSQL manual, appendix A).
const TRY_AGAIN_SQLSTATES = new Set(['40P01', '40001']); // deadlock_detected, serialization_failure
const MAX_TRIES = 4;

function mustTryAgain(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRY_AGAIN_SQLSTATES.has(code);
}

/**
 * The shared store: any number of midair processes on one PostgreSQL database. Writes go in
 * batches of one statement each (write-batch.ts), every write its own compare-and-swap.
 * Reads are never cached, so every process sees every other's writes; the only state kept is
 * the write-path hint of lastKnown.
 */
export class PostgresPageStore extends SqlPageStore<string, boolean> implements PageStore {
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly writes: GroupCommit<Write, BatchOutcome>;
  /** Hints for writes only (lastKnown): other processes' commits reach it late, or never. */
  private readonly known = new KnownStates();
  private closing: Promise<void> | undefined;
  private readonly compactor: HistoryCompactor;
  private readonly plainText: PlainText;
  private readonly channels: MoveChannels;

  /** Use openPostgresStore, which migrates the schema and starts the change feed first. */
  constructor(
    private readonly pool: ConnectionPool,
    private readonly feed: ChangeFeed,
    private readonly channel: string,
    private readonly clock: () => number,
    options: Pick<PostgresStoreOptions, 'writeBatches' | 'writeBatchSize' | 'writeBatchBytes' | 'writerShare'> & HistoryOptionsOf & PageTextOptions = {},
  ) {
    super(ROWS);
    this.plainText = options.plainText ?? ((content) => content);
    this.channels = { changes: channel, protection: options.protectionChannel ?? channel };
    // Batches overlap (one's commit with the next one's work), and a batch never holds one name twice.
    this.writes = new GroupCommit<Write, BatchOutcome>((jobs) => this.timedCommit(jobs), {
      ...pageWriteLimits(options),
      maxInFlight: options.writeBatches ?? 2,
      fastLane: true,
      keyOf: (job) => job.name,
    });
    // A change from elsewhere makes the hint stale: drop it rather than wait for a conflict.
    feed.subscribe((event) => this.known.heard(event));
    this.compactor = storeCompactor(postgresCompaction(pool), options.compaction);
  }

  async head(name: string): Promise<PageState> {
    const rows = await this.read<PageRow>('head', [name]);
    const state = ROWS.toState(rows[0], name);
    this.known.remember(state);
    return state;
  }

  lastKnown(name: string): PageState | undefined {
    return this.known.get(name);
  }

  async existingPages(names: readonly string[]): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const rows = await this.read<{ name: string }>('existing', [[...new Set(names)]]);
    return new Set(rows.map((row) => row.name));
  }

  async content(name: string, revision: number): Promise<string | undefined> {
    return storedText((await this.read<StoredRevision>('content', [name, revision]))[0]);
  }

  /** Compresses every revision queued for it now, in the compactor's bounded batches. */
  compactHistory(): Promise<void> {
    return this.track(this.compactor.compactAll());
  }

  async put(name: string, content: string, expectedRevision: number, info: WriteInfo): Promise<WriteResult> {
    return outcomeOf(await this.track(this.writes.submit(prepareWrite({ kind: 'put', name, content, expectedRevision, info }))));
  }

  async delete(name: string, expectedRevision: number, info: WriteInfo): Promise<WriteResult> {
    return outcomeOf(await this.track(this.writes.submit(prepareWrite({ kind: 'delete', name, expectedRevision, info }))));
  }

  protected listRows(after: string, limit: number, range: NameRange): Promise<PageRow[]> {
    if (range.to === null) return this.read<PageRow>('list', [after, limit, range.from, range.childrenAfter]);
    return this.read<PageRow>('listRange', [after, limit, range.from, range.to, range.childrenAfter]);
  }

  protected backlinkRows(name: string, after: string, limit: number): Promise<BacklinkRow[]> {
    return this.read<BacklinkRow>('backlinks', [name, after, limit]);
  }

  protected redirectedRows(names: readonly string[]): Promise<{ name: string }[]> {
    return this.read<{ name: string }>('redirected', [names]);
  }

  protected async redirectRow(name: string): Promise<{ target: string } | undefined> {
    return (await this.read<{ target: string }>('redirect', [name]))[0];
  }

  async move(from: string, to: string, expectedRevision: number, info: MoveInfo): Promise<MoveResult> {
    const { result, recorded } = await this.track(this.transactMove({ from, to, expectedRevision, info, now: this.clock() }));
    if (!result.ok) return result;
    for (const names of result.moved) this.known.forget(names.from);
    for (const row of recorded) {
      this.known.remember(ROWS.toState(row, row.name));
      this.feed.committed(ROWS.toChangeEvent(row));
    }
    this.compactor.nudge();
    return result;
  }

  /** The move's transaction, tried again when PostgreSQL undid it (a deadlock). */
  private async transactMove(job: PostgresMove): Promise<MoveOutcome> {
    for (let attempt = 1; ; attempt++) {
      const connection = await checkout(this.pool);
      try {
        await connection.query('BEGIN');
        const outcome = await applyPostgresMove(connection, job, { plainText: this.plainText, channels: this.channels, rows: ROWS });
        await connection.query(outcome.result.ok ? 'COMMIT' : 'ROLLBACK');
        connection.release();
        return outcome;
      } catch (error) {
        connection.release(error instanceof Error ? error : true);
        if (mustTryAgain(error) && attempt < MAX_TRIES) continue;
        // A page made at a destination after the move looked: the unique index refused it.
        const constraint = (error as { code?: string; constraint?: string }).code === '23505' ? (error as { constraint?: string }).constraint : undefined;
        if (constraint === 'pages_pkey') return { result: { ok: false, reason: 'destination-exists', existing: job.to }, recorded: [] };
        if (constraint === 'pages_name_key') return { result: { ok: false, reason: 'lookalike', existing: job.to }, recorded: [] };
        throw asStoreError(error);
      }
    }
  }

  protected historyRows(name: string, before: number, limit: number): Promise<RevisionRow[]> {
    return this.read<RevisionRow>('history', [name, before, limit]);
  }

  protected async revisionRow(name: string, revision: number): Promise<RevisionRow | undefined> {
    return (await this.read<RevisionRow>('revision', [name, revision]))[0];
  }

  protected changeRows(filter: ChangeFilter, values: (string | number)[]): Promise<RevisionRow[]> {
    return this.read<RevisionRow>(`recent_${filter}` as const satisfies `recent_${ChangeFilter}`, values);
  }

  protected pageChangeRows(name: string, after: number, limit: number): Promise<RevisionRow[]> {
    return this.read<RevisionRow>('pageChanges', [name, after, limit]);
  }

  async search(query: string, limit: number, offset = 0): Promise<SearchHit[]> {
    const parsed = parseSearchQuery(query);
    if (parsed.parts.length === 0) return [];
    const tsquery = tsqueryText(parsed);
    type Row = { name: string; rank: number } & SnippetColumns;
    const ranked = await this.read<Row & { matches: number }>('searchRanked', [tsquery, limit, offset, RANKED_MATCHES + 1]);
    const rows: Row[] =
      (ranked[0]?.matches ?? 0) > RANKED_MATCHES
        ? await this.read<Row>('searchRecent', [tsquery, limit, offset])
        : ranked.filter((row) => row.name !== null);
    return Promise.all(rows.map(async (row) => ({ name: row.name, snippet: searchSnippet(await snippetSourceOf(row), parsed), rank: Number(row.rank) })));
  }

  /**
   * Current pages the search index lacks (a store made before this index) get their content
   * indexed, a batch at a time, in name order, so an interrupted open resumes where it stopped.
   */
  async indexUnsearchedPages(plainText: PlainText): Promise<void> {
    let after = '';
    for (;;) {
      const missing = await this.read<{ name: string; revision: number }>('unsearched', [after, UNSEARCHED_BATCH]);
      for (const { name, revision } of missing) {
        const content = (await this.content(name, revision)) ?? '';
        const text = storedSearchText(plainText(content));
        const snippet = await packSnippetSource(text, snippetReference(Buffer.from(content, 'utf8')));
        await this.read('indexUnsearched', [name, revision, snippet, tsvectorLiteral(name, text), nameVectorLiteral(name)]);
      }
      if (missing.length < UNSEARCHED_BATCH) return;
      after = missing[missing.length - 1]!.name;
    }
  }

  /**
   * Search rows written before the snippet source was deflated get it deflated, a batch at a
   * time in name order, each batch its own statement: an interrupted open resumes where it stopped.
   */
  async packPlainSnippets(): Promise<void> {
    for (let after = ''; ; ) {
      const rows = await this.read<{ name: string; seq: string; body: string } & StoredReference>('plainSnippets', [after, UNSEARCHED_BATCH]);
      if (rows.length === 0) return;
      const packed = await Promise.all(rows.map(async (row) => packSnippetSource(row.body, await storedSnippetReference(row.reference_encoding, row.reference))));
      await this.read('packSnippets', [rows.map((row) => row.name), rows.map((row) => row.seq), packed]);
      after = rows[rows.length - 1]!.name;
    }
  }

  onChange(listener: (event: ChangeEvent) => void, missed?: () => void): () => void {
    return this.feed.subscribe(listener, missed);
  }

  /** Waits for the calls in progress, then ends the change listener and the pool. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.compactor.close();
      await Promise.allSettled([...this.inFlight]);
      await this.feed.close();
      await this.pool.end();
    })();
    return this.closing;
  }

  private track<T>(operation: Promise<T>): Promise<T> {
    this.inFlight.add(operation);
    void operation.then(
      () => this.inFlight.delete(operation),
      () => this.inFlight.delete(operation),
    );
    return operation;
  }

  private read<Row>(name: StatementName, values: readonly unknown[]): Promise<Row[]> {
    return this.track(select<Row>(this.pool, name, values));
  }

  poolUse(): PoolUse {
    return { total: this.pool.totalCount ?? 0, idle: this.pool.idleCount ?? 0, waiting: this.pool.waitingCount ?? 0 };
  }

  private async timedCommit(jobs: Write[]): Promise<BatchOutcome[]> {
    const started = performance.now();
    const outcomes = await this.commit(jobs);
    this.measurements?.batchCommitted(jobs.length, (performance.now() - started) / 1000);
    return outcomes;
  }

  /**
   * Commits a batch, trying again when PostgreSQL undid all of it (a deadlock with another
   * process's batch). Any other failure of a batch of several is retried write by write, so
   * that a write the database refuses fails alone.
   */
  private async commit(jobs: Write[]): Promise<BatchOutcome[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.apply(jobs);
      } catch (error) {
        if (mustTryAgain(error) && attempt < MAX_TRIES) continue;
        const failure = asStoreError(error);
        if (jobs.length === 1 || failure instanceof StoreError) return jobs.map(() => ({ error: failure }));
        return Promise.all(jobs.map(async (job) => (await this.commit([job]))[0]!));
      }
    }
  }

  private async apply(jobs: Write[]): Promise<BatchOutcome[]> {
    const parameters = batchParameters(await Promise.all(jobs.map((job) => job.prepared)), this.clock(), this.channel);
    const connection = await checkout(this.pool);
    let rows: RevisionRow[];
    try {
      // Not repeated on a lost connection: the statement may have committed before the loss.
      rows = (await connection.query(statement('write', parameters))).rows as RevisionRow[];
    } catch (error) {
      // Never reuse a connection in an unknown state; the pool opens a fresh one.
      connection.release(error instanceof Error ? error : true);
      throw error;
    }
    connection.release();
    const byName = new Map<string, RevisionRow>();
    for (const row of rows) {
      byName.set(row.name, row);
      this.known.remember(ROWS.toState(row, row.name));
      this.feed.committed(ROWS.toChangeEvent(row));
    }
    if (rows.some((row) => row.revision > 1)) this.compactor.nudge();
    // The batch has committed: from here on, nothing may fail the writes it holds.
    return Promise.all(
      jobs.map(async (job): Promise<BatchOutcome> => {
        const row = byName.get(job.name);
        if (row) return { result: { ok: true, state: ROWS.toState(row, job.name) } };
        this.known.forget(job.name);
        const creation = job.kind === 'put' && job.expectedRevision === 0;
        if (!job.info.unlessProtected && !creation) return { result: CONFLICT };
        // Rare: a write made unless protected met a protection, or a creation met a look-alike
        // (the unique fold key refused it in the batch's transaction; a key's holder is never
        // removed), or either lost a race.
        try {
          if (job.info.unlessProtected && (await select(this.pool, 'isProtected', [job.name])).length > 0) return { result: PROTECTED };
          const holder = creation ? (await select<{ name: string }>(this.pool, 'lookalike', [pageNameKey(job.name), job.name]))[0] : undefined;
          return { result: holder ? { ok: false, reason: 'lookalike', existing: holder.name } : CONFLICT };
        } catch (error) {
          return { error: asStoreError(error) };
        }
      }),
    );
  }
}

/** How superseded revisions are compressed (src/storage/history-compactor.ts). */
interface HistoryOptionsOf {
  readonly compaction?: CompactorOptions;
}

/** How the store reads pages' text where it needs it: to index them, and to fill their links. */
interface PageTextOptions {
  /** Pages indexed at open, or moved (store.ts PlainText). */
  readonly plainText?: PlainText;
  /** Pages stored before the links table (store.ts LinkTargets); without it they wait for a store opened with it. */
  readonly linkTargets?: LinkTargets;
  /** Where protections are announced (postgres-accounts.ts); openPostgresStore sets it. */
  readonly protectionChannel?: string;
}

/** Connects, brings the schema up to date and starts listening for changes. */
export async function openPostgresStore(options: PostgresStoreOptions & HistoryOptionsOf & PageTextOptions): Promise<PostgresPageStore> {
  const pool = createPool(options);
  // An idle connection that the server closes is dropped by the pool; the next call opens another.
  pool.on('error', () => undefined);
  let feed: ChangeFeed | undefined;
  try {
    const schema = await migrate(pool, options.schema);
    const channel = channelName('midair_changes', schema);
    feed = new ChangeFeed({
      connect: () => createListenConnection(options),
      channel,
      readChange: (sequence) => readChange(pool, sequence),
    });
    await feed.start();
    const store = new PostgresPageStore(pool, feed, channel, options.clock ?? Date.now, { ...options, protectionChannel: channelName('midair_protection', schema) });
    await store.packPlainSnippets();
    await store.indexUnsearchedPages(options.plainText ?? ((content) => content));
    if (options.linkTargets) await fillUnscannedLinks(pool, options.linkTargets);
    return store;
  } catch (error) {
    await feed?.close();
    await pool.end().catch(() => undefined);
    throw asStoreError(error);
  }
}
