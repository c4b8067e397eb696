// The file store on PostgreSQL: the shared statements (../file-sql.ts) on a pool of its own,
// a write's steps in one transaction on one connection, serialised per content by an advisory
// lock so that two uploads of the same bytes keep one copy. Staged chunks are committed one
// by one: an upload holds no connection and no transaction while its client sends.
import { ChunkedFileStore, type FileDialect, type FileStoreOptions, type WriteSteps } from '../file-store.js';
import type { FileQuery, FileRow } from '../file-sql.js';
import { type ConnectionPool, createPool, type PostgresStoreOptions } from './driver.js';
import { asStoreError } from './errors.js';
import { migrate } from './schema.js';

class PostgresFileDialect implements FileDialect {
  private closing: Promise<void> | undefined;

  constructor(private readonly pool: ConnectionPool) {}

  async query(query: FileQuery): Promise<FileRow[]> {
    try {
      return (await this.pool.query(query.text, query.values)).rows as FileRow[];
    } catch (error) {
      throw asStoreError(error);
    }
  }

  stage(query: FileQuery): Promise<FileRow[]> {
    return this.query(query);
  }

  async transact<T extends { readonly ok: boolean }>(steps: WriteSteps<T>, lock: string): Promise<T> {
    let connection;
    try {
      connection = await this.pool.connect();
    } catch (error) {
      throw asStoreError(error);
    }
    try {
      await connection.query('BEGIN');
      await connection.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`midair.file.${lock}`]);
      let step = steps.next();
      while (!step.done) step = steps.next((await connection.query(step.value.text, step.value.values)).rows as FileRow[]);
      await connection.query(step.value.ok ? 'COMMIT' : 'ROLLBACK');
      connection.release();
      return step.value;
    } catch (error) {
      // A connection in an unknown state is not given back to the pool.
      connection.release(error instanceof Error ? error : true);
      throw asStoreError(error);
    }
  }

  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }
}

export type PostgresFileStoreOptions = Pick<PostgresStoreOptions, 'url' | 'schema' | 'poolSize' | 'statementTimeoutMs' | 'connectTimeoutMs'> & FileStoreOptions;

/** The file store in the page store's database (its migrations are applied if missing). */
export async function openPostgresFileStore(options: PostgresFileStoreOptions): Promise<ChunkedFileStore> {
  const pool = createPool({ poolSize: 4, ...options, applicationName: 'midair-files' });
  try {
    await migrate(pool, options.schema);
  } catch (error) {
    await pool.end();
    throw asStoreError(error);
  }
  return ChunkedFileStore.open(new PostgresFileDialect(pool), options);
}
