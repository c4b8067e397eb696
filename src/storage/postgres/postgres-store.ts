import { createHash } from 'node:crypto';
import { revisionEtag } from '../revision-etag.js';
import type {
  ChangeEvent,
  HistoryOptions,
  ListOptions,
  PageState,
  PageStore,
  PageSummary,
  RevisionInfo,
  SearchHit,
  WriteInfo,
  WriteResult,
} from '../store.js';
import { SNIPPET_MARK_CLOSE, SNIPPET_MARK_OPEN } from '../store.js';
import { searchTerms } from '../search-terms.js';
import { ChangeFeed } from './change-feed.js';
import {
  type ConnectionPool,
  createListenConnection,
  createPool,
  type NamedStatement,
  type PooledConnection,
  type PostgresStoreOptions,
} from './driver.js';
import { asStoreError, isConnectionLost } from './errors.js';
import { CHANGE_ORDER_LOCK, migrate, schemaLockKey } from './schema.js';

export type { PostgresStoreOptions } from './driver.js';

// BIGINT arrives as a string (it may exceed 2^53); ours are ms timestamps and sequences.
interface PageRow {
  name: string;
  revision: number;
  deleted: boolean;
  etag: string | null;
  modified_ms: string;
  date_shared: boolean;
  size: number;
}

interface RevisionRow {
  seq: string;
  name: string;
  revision: number;
  deleted: boolean;
  etag: string | null;
  modified_ms: string;
  date_shared: boolean;
  size: number;
  summary: string;
  author: string;
}

const PAGE_COLUMNS = 'name, revision, deleted, etag, modified_ms, date_shared, size';
const REVISION_COLUMNS = 'seq, name, revision, deleted, etag, modified_ms, date_shared, size, summary, author';

// The new revision's time never runs backwards within a page, and it is marked as sharing
// its second with the previous revision when it does (the weak-date rule of RFC 9110 §8.8.2.2).
// In an UPDATE the right-hand columns are the old row's values; `now` is the writer's clock.
const nextModified = (now: string) => `greatest(${now}::bigint, modified_ms)`;
const nextDateShared = (now: string) => `(${nextModified(now)} / 1000 = modified_ms / 1000)`;

// Revision numbers arrive from requests, so they are compared as bigint: an absurd number
// finds nothing instead of overflowing the integer column.
const SQL = {
  head: `SELECT ${PAGE_COLUMNS} FROM pages WHERE name = $1`,
  content: 'SELECT content FROM revisions WHERE name = $1 AND revision = $2::bigint',
  // $1 name, $2 etag, $3 size, $4 now
  create: `INSERT INTO pages (name, revision, deleted, etag, modified_ms, date_shared, size)
           VALUES ($1, 1, false, $2, $4::bigint, false, $3)
           ON CONFLICT (name) DO NOTHING RETURNING ${PAGE_COLUMNS}`,
  // $1 name, $2 expected revision, $3 etag, $4 size, $5 now
  replace: `UPDATE pages SET revision = revision + 1, deleted = false, etag = $3, size = $4,
              modified_ms = ${nextModified('$5')}, date_shared = ${nextDateShared('$5')}
            WHERE name = $1 AND revision = $2::bigint RETURNING ${PAGE_COLUMNS}`,
  // $1 name, $2 expected revision, $3 now
  remove: `UPDATE pages SET revision = revision + 1, deleted = true, etag = NULL, size = 0,
             modified_ms = ${nextModified('$3')}, date_shared = ${nextDateShared('$3')}
           WHERE name = $1 AND revision = $2::bigint AND NOT deleted RETURNING ${PAGE_COLUMNS}`,
  // Sequences are drawn and committed in one order, so a reader of changesSince never sees
  // sequence n+1 before n (see ChangeFeed). Held from here to COMMIT; one lock per schema.
  orderChanges: 'SELECT pg_advisory_xact_lock($1, $2)',
  // The NOTIFY is queued in the transaction and sent only if it commits.
  record: `WITH recorded AS (
             INSERT INTO revisions (name, revision, deleted, etag, modified_ms, date_shared, size, summary, author, content)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             RETURNING ${REVISION_COLUMNS}
           )
           SELECT recorded.*, pg_notify($11, recorded.seq::text) FROM recorded`,
  list: `SELECT ${PAGE_COLUMNS} FROM pages WHERE NOT deleted AND name > $1 ORDER BY name LIMIT $2`,
  history: `SELECT ${REVISION_COLUMNS} FROM revisions
            WHERE name = $1 AND revision < $2::bigint ORDER BY revision DESC LIMIT $3`,
  revision: `SELECT ${REVISION_COLUMNS} FROM revisions WHERE name = $1 AND revision = $2::bigint`,
  // $1 name, $2 text to index
  index: `INSERT INTO page_search (name, body, vector) VALUES ($1, $2, to_tsvector('simple', $2))
          ON CONFLICT (name) DO UPDATE SET body = excluded.body, vector = excluded.vector`,
  unindex: 'DELETE FROM page_search WHERE name = $1',
  // $1 words, $2 limit, $3 ts_headline options
  search: `SELECT name, ts_headline('simple', body, q, $3) AS snippet, -ts_rank(vector, q) AS rank
           FROM page_search, plainto_tsquery('simple', $1) AS q
           WHERE vector @@ q ORDER BY rank, name LIMIT $2`,
  sequence: 'SELECT coalesce(max(seq), 0) AS seq FROM revisions',
  since: `SELECT ${REVISION_COLUMNS} FROM revisions WHERE seq > $1 ORDER BY seq LIMIT $2`,
} as const;

type StatementName = keyof typeof SQL;

// A tsvector holds at most 1 MB and text cannot hold U+0000: index a NUL-free prefix.
const SEARCHABLE_CHARACTERS = 262_144;
function searchableText(content: string): string {
  return content.replaceAll('\u0000', '').slice(0, SEARCHABLE_CHARACTERS);
}

const HEADLINE_OPTIONS = `StartSel=${SNIPPET_MARK_OPEN}, StopSel=${SNIPPET_MARK_CLOSE}, MaxWords=30, MinWords=12, MaxFragments=1`;

function statement(name: StatementName, values: readonly unknown[]): NamedStatement {
  return { name: `midair_${name}`, text: SQL[name], values };
}

/**
 * A pooled connection on which `first` succeeded. A connection the server dropped while it sat
 * idle in the pool is replaced once, so a database restart costs no caller an error; `first`
 * must therefore be safe to repeat (a read, or BEGIN). Failures become StoreError('unavailable').
 */
async function connectAnd<T>(pool: ConnectionPool, first: (connection: PooledConnection) => Promise<T>) {
  for (let attempt = 1; ; attempt++) {
    let connection: PooledConnection;
    try {
      connection = await pool.connect();
    } catch (error) {
      throw asStoreError(error);
    }
    try {
      return { connection, result: await first(connection) };
    } catch (error) {
      connection.release(error instanceof Error ? error : true);
      if (attempt === 1 && isConnectionLost(error)) continue;
      throw asStoreError(error);
    }
  }
}

async function select<Row>(pool: ConnectionPool, name: StatementName, values: readonly unknown[]): Promise<Row[]> {
  const { connection, result } = await connectAnd(pool, (c) => c.query(statement(name, values)));
  connection.release();
  return result.rows as Row[];
}

async function readChangesSince(db: ConnectionPool, sequence: number, limit: number): Promise<ChangeEvent[]> {
  return (await select<RevisionRow>(db, 'since', [sequence, limit])).map(toChangeEvent);
}

async function readChangeSequence(db: ConnectionPool): Promise<number> {
  const rows = await select<{ seq: string }>(db, 'sequence', []);
  return Number(rows[0]?.seq ?? 0);
}

function toState(row: PageRow | undefined, name: string): PageState {
  if (!row) return { name, revision: 0, exists: false, lastModified: 0, lastModifiedIsWeak: false, size: 0 };
  return {
    name: row.name,
    revision: row.revision,
    exists: !row.deleted,
    ...(row.etag === null ? {} : { etag: row.etag }),
    lastModified: Number(row.modified_ms),
    lastModifiedIsWeak: row.date_shared,
    size: row.size,
  };
}

function toRevisionInfo(row: RevisionRow): RevisionInfo {
  return {
    revision: row.revision,
    etag: row.etag,
    lastModified: Number(row.modified_ms),
    lastModifiedIsWeak: row.date_shared,
    size: row.size,
    summary: row.summary,
    author: row.author,
    deleted: row.deleted,
  };
}

function toChangeEvent(row: RevisionRow): ChangeEvent {
  return {
    sequence: Number(row.seq),
    name: row.name,
    revision: row.revision,
    etag: row.etag,
    deleted: row.deleted,
    summary: row.summary,
    author: row.author,
    lastModified: Number(row.modified_ms),
  };
}

/** The NOTIFY channel of one schema (at most 63 bytes, the limit of an identifier). */
function channelFor(schema: string): string {
  const channel = `midair_changes.${schema}`;
  return Buffer.byteLength(channel) <= 63 ? channel : `midair_changes.${createHash('sha256').update(schema).digest('hex').slice(0, 40)}`;
}

type Write =
  | { kind: 'put'; name: string; content: string; expectedRevision: number; info: WriteInfo }
  | { kind: 'delete'; name: string; expectedRevision: number; info: WriteInfo };

const CONFLICT: WriteResult = { ok: false, reason: 'conflict' };

/**
 * The shared store: any number of midair processes on one PostgreSQL database. Each write
 * is one transaction whose conditional UPDATE (or INSERT ... ON CONFLICT DO NOTHING) is the
 * compare-and-swap; nothing is cached, so every process sees every other's writes.
 */
export class PostgresPageStore implements PageStore {
  private readonly inFlight = new Set<Promise<unknown>>();
  private closing: Promise<void> | undefined;

  /** Use openPostgresStore, which migrates the schema and starts the change feed first. */
  constructor(
    private readonly pool: ConnectionPool,
    private readonly feed: ChangeFeed,
    private readonly changeLockKey: number,
    private readonly channel: string,
    private readonly clock: () => number,
  ) {}

  async head(name: string): Promise<PageState> {
    const rows = await this.read<PageRow>('head', [name]);
    return toState(rows[0], name);
  }

  async content(name: string, revision: number): Promise<string | undefined> {
    const rows = await this.read<{ content: Buffer | null }>('content', [name, revision]);
    return rows[0]?.content?.toString('utf8') ?? undefined;
  }

  put(name: string, content: string, expectedRevision: number, info: WriteInfo): Promise<WriteResult> {
    return this.write({ kind: 'put', name, content, expectedRevision, info });
  }

  delete(name: string, expectedRevision: number, info: WriteInfo): Promise<WriteResult> {
    return this.write({ kind: 'delete', name, expectedRevision, info });
  }

  async list(options: ListOptions): Promise<{ pages: PageSummary[]; more: boolean }> {
    const rows = await this.read<PageRow>('list', [options.after ?? '', options.limit + 1]);
    const pages = rows.slice(0, options.limit).map((row) => ({
      name: row.name,
      revision: row.revision,
      etag: row.etag!,
      lastModified: Number(row.modified_ms),
      size: row.size,
    }));
    return { pages, more: rows.length > options.limit };
  }

  async history(name: string, options: HistoryOptions): Promise<RevisionInfo[]> {
    const before = options.before ?? Number.MAX_SAFE_INTEGER;
    const rows = await this.read<RevisionRow>('history', [name, before, options.limit]);
    return rows.map(toRevisionInfo);
  }

  async revision(name: string, revision: number): Promise<RevisionInfo | undefined> {
    const rows = await this.read<RevisionRow>('revision', [name, revision]);
    return rows[0] && toRevisionInfo(rows[0]);
  }

  changeSequence(): Promise<number> {
    return this.track(readChangeSequence(this.pool));
  }

  changesSince(sequence: number, limit: number): Promise<ChangeEvent[]> {
    return this.track(readChangesSince(this.pool, sequence, limit));
  }

  async search(query: string, limit: number): Promise<SearchHit[]> {
    const terms = searchTerms(query);
    if (terms.length === 0) return [];
    const rows = await this.read<{ name: string; snippet: string; rank: number }>('search', [terms.join(' '), limit, HEADLINE_OPTIONS]);
    return rows.map((row) => ({ name: row.name, snippet: row.snippet, rank: Number(row.rank) }));
  }

  onChange(listener: (event: ChangeEvent) => void): () => void {
    return this.feed.subscribe(listener);
  }

  /** Waits for the calls in progress, then ends the change listener and the pool. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
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

  private write(job: Write): Promise<WriteResult> {
    return this.track(this.commit(job));
  }

  private async commit(job: Write): Promise<WriteResult> {
    // Explicit, so a server whose default is SERIALIZABLE still resolves a lost race as a
    // conflict (the UPDATE re-checks its WHERE on the winner's row) rather than an error.
    const { connection } = await connectAnd(this.pool, (c) => c.query('BEGIN ISOLATION LEVEL READ COMMITTED'));
    let recorded: RevisionRow;
    let row: PageRow | undefined;
    try {
      row = await this.compareAndSwap(connection, job);
      if (!row) {
        await connection.query('ROLLBACK');
        connection.release();
        return CONFLICT;
      }
      await connection.query(statement('orderChanges', [CHANGE_ORDER_LOCK, this.changeLockKey]));
      const content = job.kind === 'put' ? Buffer.from(job.content, 'utf8') : null;
      const result = await connection.query(
        statement('record', [
          row.name,
          row.revision,
          row.deleted,
          row.etag,
          row.modified_ms,
          row.date_shared,
          row.size,
          job.info.summary,
          job.info.author,
          content,
          this.channel,
        ]),
      );
      recorded = result.rows[0] as RevisionRow;
      // The search index follows the current revision, in the same transaction.
      if (job.kind === 'put') await connection.query(statement('index', [row.name, searchableText(job.content)]));
      else await connection.query(statement('unindex', [row.name]));
      await connection.query('COMMIT');
    } catch (error) {
      // Never reuse a connection in an unknown state; the pool opens a fresh one.
      connection.release(error instanceof Error ? error : true);
      throw asStoreError(error);
    }
    connection.release();
    this.feed.committed(toChangeEvent(recorded));
    return { ok: true, state: toState(row, job.name) };
  }

  // The UPDATE/INSERT is the compare-and-swap: it changes a row only if the page is still at
  // the revision the caller decided on. Creation relies on the primary key, not on a read.
  private async compareAndSwap(connection: PooledConnection, job: Write): Promise<PageRow | undefined> {
    const now = this.clock();
    if (job.kind === 'delete') {
      const result = await connection.query(statement('remove', [job.name, job.expectedRevision, now]));
      return result.rows[0] as PageRow | undefined;
    }
    const etag = revisionEtag(job.content);
    const size = Buffer.byteLength(job.content, 'utf8');
    const result = await connection.query(
      job.expectedRevision === 0
        ? statement('create', [job.name, etag, size, now])
        : statement('replace', [job.name, job.expectedRevision, etag, size, now]),
    );
    return result.rows[0] as PageRow | undefined;
  }
}

/** Connects, brings the schema up to date and starts listening for changes. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresPageStore> {
  const pool = createPool(options);
  // An idle connection that the server closes is dropped by the pool; the next call opens another.
  pool.on('error', () => undefined);
  let feed: ChangeFeed | undefined;
  try {
    const schema = await migrate(pool, options.schema);
    const channel = channelFor(schema);
    feed = new ChangeFeed({
      connect: () => createListenConnection(options),
      channel,
      readSince: (sequence, limit) => readChangesSince(pool, sequence, limit),
      readSequence: () => readChangeSequence(pool),
    });
    await feed.start();
    return new PostgresPageStore(pool, feed, schemaLockKey(schema), channel, options.clock ?? Date.now);
  } catch (error) {
    await feed?.close();
    await pool.end().catch(() => undefined);
    throw asStoreError(error);
  }
}
