import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { GroupCommit } from '../group-commit.js';
import { revisionEtag } from '../revision-etag.js';
import type {
  ChangeEvent,
  HistoryOptions,
  ListOptions,
  PageState,
  PageStore,
  PageSummary,
  RevisionInfo,
  WriteInfo,
  WriteResult,
} from '../store.js';
import { migrate } from './schema.js';

interface PageRow {
  name: string;
  revision: number;
  deleted: number;
  etag: string | null;
  modified_ms: number;
  date_shared: number;
  size: number;
}

interface RevisionRow {
  seq: number;
  name: string;
  revision: number;
  deleted: number;
  etag: string | null;
  modified_ms: number;
  date_shared: number;
  size: number;
  summary: string;
  author: string;
}

type WriteJob =
  | { kind: 'put'; name: string; content: string; expectedRevision: number; info: WriteInfo; now: number }
  | { kind: 'delete'; name: string; expectedRevision: number; info: WriteInfo; now: number };

interface Committed {
  result: WriteResult;
  event?: ChangeEvent;
}

// The new revision's time never runs backwards within a page, and it is marked as sharing
// its second with the previous revision when it does (the weak-date rule of §8.8.2.2).
const NEXT_MODIFIED = 'max(CAST(@now AS INTEGER), modified_ms)';
const NEXT_DATE_SHARED = `(${NEXT_MODIFIED} / 1000 = modified_ms / 1000)`;

function toState(row: PageRow | undefined, name: string): PageState {
  if (!row) return { name, revision: 0, exists: false, lastModified: 0, lastModifiedIsWeak: false, size: 0 };
  return {
    name: row.name,
    revision: row.revision,
    exists: row.deleted === 0,
    ...(row.etag === null ? {} : { etag: row.etag }),
    lastModified: row.modified_ms,
    lastModifiedIsWeak: row.date_shared === 1,
    size: row.size,
  };
}

function toRevisionInfo(row: RevisionRow): RevisionInfo {
  return {
    revision: row.revision,
    etag: row.etag,
    lastModified: row.modified_ms,
    lastModifiedIsWeak: row.date_shared === 1,
    size: row.size,
    summary: row.summary,
    author: row.author,
    deleted: row.deleted === 1,
  };
}

function toChangeEvent(row: RevisionRow): ChangeEvent {
  return {
    sequence: row.seq,
    name: row.name,
    revision: row.revision,
    etag: row.etag,
    deleted: row.deleted === 1,
    summary: row.summary,
    author: row.author,
    lastModified: row.modified_ms,
  };
}

const PAGE_COLUMNS = 'name, revision, deleted, etag, modified_ms, date_shared, size';
const REVISION_COLUMNS = 'seq, name, revision, deleted, etag, modified_ms, date_shared, size, summary, author';

/** The embedded store: one SQLite file in WAL mode, every commit fsynced before it is acknowledged. */
export class SqlitePageStore implements PageStore {
  private readonly db: Database.Database;
  private readonly writes: GroupCommit<WriteJob, Committed>;
  private readonly listeners = new Set<(event: ChangeEvent) => void>();
  private readonly statements;

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // FULL: a commit is on disk before it returns, so a 2xx survives kill -9 and power loss.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    const db = this.db;
    this.statements = {
      head: db.prepare<[string], PageRow>(`SELECT ${PAGE_COLUMNS} FROM pages WHERE name = ?`),
      content: db.prepare<[string, number], { content: string | null }>(
        'SELECT content FROM revisions WHERE name = ? AND revision = ?',
      ),
      create: db.prepare<Record<string, unknown>, PageRow>(
        `INSERT INTO pages (name, revision, deleted, etag, modified_ms, date_shared, size)
         VALUES (@name, 1, 0, @etag, CAST(@now AS INTEGER), 0, @size)
         ON CONFLICT (name) DO NOTHING RETURNING ${PAGE_COLUMNS}`,
      ),
      replace: db.prepare<Record<string, unknown>, PageRow>(
        `UPDATE pages SET revision = revision + 1, deleted = 0, etag = @etag, size = @size,
           modified_ms = ${NEXT_MODIFIED}, date_shared = ${NEXT_DATE_SHARED}
         WHERE name = @name AND revision = @expected RETURNING ${PAGE_COLUMNS}`,
      ),
      remove: db.prepare<Record<string, unknown>, PageRow>(
        `UPDATE pages SET revision = revision + 1, deleted = 1, etag = NULL, size = 0,
           modified_ms = ${NEXT_MODIFIED}, date_shared = ${NEXT_DATE_SHARED}
         WHERE name = @name AND revision = @expected AND deleted = 0 RETURNING ${PAGE_COLUMNS}`,
      ),
      record: db.prepare<Record<string, unknown>, RevisionRow>(
        `INSERT INTO revisions (name, revision, deleted, etag, modified_ms, date_shared, size, summary, author, content)
         VALUES (@name, @revision, @deleted, @etag, @modified_ms, @date_shared, @size, @summary, @author, @content)
         RETURNING ${REVISION_COLUMNS}`,
      ),
      list: db.prepare<[string, number], PageRow>(
        `SELECT ${PAGE_COLUMNS} FROM pages WHERE deleted = 0 AND name > ? ORDER BY name LIMIT ?`,
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
    };
    const batch = db.transaction((jobs: WriteJob[]) => jobs.map((job) => this.applyOne(job)));
    this.writes = new GroupCommit((jobs) => {
      const committed = batch.immediate(jobs);
      for (const { event } of committed) if (event) this.emit(event);
      return committed;
    });
  }

  // Runs inside the batch transaction. The UPDATE/INSERT is the compare-and-swap: it
  // changes a row only if the page is still at the revision the caller decided on.
  private applyOne(job: WriteJob): Committed {
    const s = this.statements;
    const params = { name: job.name, expected: job.expectedRevision, now: job.now };
    let row: PageRow | undefined;
    let content: string | null = null;
    if (job.kind === 'put') {
      content = job.content;
      const write = { ...params, etag: revisionEtag(content), size: Buffer.byteLength(content, 'utf8') };
      row = job.expectedRevision === 0 ? s.create.get(write) : s.replace.get(write);
    } else {
      row = s.remove.get(params);
    }
    if (!row) return { result: { ok: false, reason: 'conflict' } };
    const recorded = s.record.get({ ...row, summary: job.info.summary, author: job.info.author, content })!;
    return {
      result: { ok: true, state: toState(row, job.name) },
      event: toChangeEvent(recorded),
    };
  }

  private emit(event: ChangeEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  async head(name: string): Promise<PageState> {
    return toState(this.statements.head.get(name), name);
  }

  async content(name: string, revision: number): Promise<string | undefined> {
    return this.statements.content.get(name, revision)?.content ?? undefined;
  }

  async put(name: string, content: string, expectedRevision: number, info: WriteInfo): Promise<WriteResult> {
    const { result } = await this.writes.submit({ kind: 'put', name, content, expectedRevision, info, now: Date.now() });
    return result;
  }

  async delete(name: string, expectedRevision: number, info: WriteInfo): Promise<WriteResult> {
    const { result } = await this.writes.submit({ kind: 'delete', name, expectedRevision, info, now: Date.now() });
    return result;
  }

  async list(options: ListOptions): Promise<{ pages: PageSummary[]; more: boolean }> {
    const rows = this.statements.list.all(options.after ?? '', options.limit + 1);
    const pages = rows.slice(0, options.limit).map((row) => ({
      name: row.name,
      revision: row.revision,
      etag: row.etag!,
      lastModified: row.modified_ms,
      size: row.size,
    }));
    return { pages, more: rows.length > options.limit };
  }

  async history(name: string, options: HistoryOptions): Promise<RevisionInfo[]> {
    const before = options.before ?? Number.MAX_SAFE_INTEGER;
    return this.statements.history.all(name, before, options.limit).map(toRevisionInfo);
  }

  async revision(name: string, revision: number): Promise<RevisionInfo | undefined> {
    const row = this.statements.revision.get(name, revision);
    return row && toRevisionInfo(row);
  }

  async changeSequence(): Promise<number> {
    return this.statements.sequence.get()?.seq ?? 0;
  }

  async changesSince(sequence: number, limit: number): Promise<ChangeEvent[]> {
    return this.statements.since.all(sequence, limit).map(toChangeEvent);
  }

  onChange(listener: (event: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.writes.flush();
    this.db.close();
  }
}
