// The file store on the embedded SQLite file: the shared statements (../file-sql.ts) prepared
// once each, a write's steps in one IMMEDIATE transaction, and a second connection for staged
// chunks that does not wait for the disk: the commit that names them syncs the WAL they are in.
// (A staging thread was tried: it freed the event loop but held the chunks twice, and a 100 MiB
// upload then grew the server's memory by 80–100 MiB.)
import type Database from 'better-sqlite3';
import { ChunkedFileStore, type FileDialect, type FileStoreOptions, type WriteSteps } from '../file-store.js';
import { FILE_SQL, type FileQuery, type FileRow } from '../file-sql.js';
import { FileStatements } from './file-statements.js';
import { openDatabase } from './connection.js';
import { asStoreError, withStoreErrors } from './errors.js';
import { migrate } from './schema.js';

/** Thrown inside the transaction to roll back a write that was refused; carries its result. */
class Refused<T> {
  constructor(readonly result: T) {}
}

// Most names whose current row is kept: a revalidation (304) then reads no row at all.
const CACHED_HEADS = 10_000;

class SqliteFileDialect implements FileDialect {
  private readonly statements: FileStatements;
  private readonly staging: FileStatements;
  // Current rows by name, valid while PRAGMA data_version says no other connection committed
  // (this process's page store and staging connection count as others) and dropped at each of
  // this connection's own commits.
  private readonly heads = new Map<string, FileRow[]>();
  private readonly dataVersion: Database.Statement<[], number>;
  private seenVersion = -1;

  constructor(
    private readonly db: Database.Database,
    private readonly stagingDb: Database.Database,
    /** No other process writes the file: only this connection changes files, so no PRAGMA is asked. */
    private readonly alone: boolean,
  ) {
    this.statements = new FileStatements(db);
    this.staging = new FileStatements(stagingDb);
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  queryNow(query: FileQuery): FileRow[] {
    return withStoreErrors(() => (query.text === FILE_SQL.head ? this.head(query) : this.statements.run(query)));
  }

  private head(query: FileQuery): FileRow[] {
    const version = this.alone ? 0 : this.dataVersion.get()!;
    if (version !== this.seenVersion || this.heads.size >= CACHED_HEADS) {
      this.heads.clear();
      this.seenVersion = version;
    }
    const name = query.values[0] as string;
    let rows = this.heads.get(name);
    if (rows === undefined) this.heads.set(name, (rows = this.statements.run(query)));
    return rows;
  }

  async query(query: FileQuery): Promise<FileRow[]> {
    return this.queryNow(query);
  }

  async stage(query: FileQuery): Promise<FileRow[]> {
    return withStoreErrors(() => this.staging.run(query));
  }

  async transact<T extends { readonly ok: boolean }>(steps: WriteSteps<T>): Promise<T> {
    const write = this.db.transaction(() => {
      let step = steps.next();
      while (!step.done) step = steps.next(this.statements.run(step.value));
      if (!step.value.ok) throw new Refused(step.value);
      return step.value;
    });
    // Whatever happens, rows read before this write may be stale after it.
    this.heads.clear();
    try {
      return write.immediate();
    } catch (error) {
      this.heads.clear();
      if (error instanceof Refused) return error.result as T;
      throw asStoreError(error);
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
    if (this.stagingDb.open) this.stagingDb.close();
  }
}

/** The file store in `file` (the page store's SQLite file; its migrations are applied if missing). */
export async function openSqliteFileStore(file: string, options: FileStoreOptions = {}): Promise<ChunkedFileStore> {
  const db = openDatabase(file);
  withStoreErrors(() => migrate(db));
  const stagingDb = openDatabase(file);
  // Staged rows are invisible until a commit on `db` names them, and that commit (FULL) syncs
  // the write-ahead log up to and including them.
  stagingDb.pragma('synchronous = NORMAL');
  return ChunkedFileStore.open(new SqliteFileDialect(db, stagingDb, options.alone ?? false), options);
}
