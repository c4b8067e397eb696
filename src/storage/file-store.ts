// The file store both databases share: staging an upload chunk by chunk, the steps of a
// write, range reads. A dialect (sqlite/file-dialect.ts, postgres/file-dialect.ts) says only
// how a statement runs and how a transaction is held.
import { createHash } from 'node:crypto';
import { pageNameKey } from './page-name-key.js';
import { FILE_SQL, type FileQuery, type FileRow, fileQuery, missingFile, toFileState, toFileVersion } from './file-sql.js';
import {
  type ContentRange,
  FILE_CHUNK_BYTES,
  type FileContentInfo,
  type FileState,
  type FileStore,
  type FileUpload,
  type FileVersionInfo,
  type FileWriteInfo,
  type FileWriteResult,
  type StagedContent,
} from './files.js';

/** A write's statements, run in one transaction: each yields a query and gets its rows back. */
export type WriteSteps<T> = Generator<FileQuery, T, FileRow[]>;

export interface FileDialect {
  /** One statement, committed on its own. */
  query(query: FileQuery): Promise<FileRow[]>;
  /** The same, synchronously, where the driver can. */
  queryNow?(query: FileQuery): FileRow[];
  /** A chunk of an upload: need not reach the disk before the write that names it commits. */
  stage(query: FileQuery): Promise<FileRow[]>;
  /** Runs `steps` in one transaction, committed when the result is ok and rolled back when not. `lock` serialises writes of one content. */
  transact<T extends { readonly ok: boolean }>(steps: WriteSteps<T>, lock: string): Promise<T>;
  close(): Promise<void>;
}

export interface FileStoreOptions {
  /** Dates versions (ms since the epoch). */
  readonly clock?: () => number;
  /**
   * A staged upload older than this was left by a process that died (default: 1 hour): no live
   * upload lasts longer than a request may (--request-timeout). Swept at open and as often after.
   */
  readonly stagedMaxAgeMs?: number;
  /** No other process uses the store: everything staged at open is garbage. */
  readonly alone?: boolean;
}

// Versions are integer columns in both databases.
export const MAX_FILE_VERSION = 2 ** 31 - 1;

// Chunks per range query: a download holds at most this many in memory.
const CHUNKS_PER_READ = 4;

export class ChunkedFileStore implements FileStore {
  readonly currentHead?: (name: string) => FileState;
  private readonly clock: () => number;
  private sweeper: NodeJS.Timeout | undefined;

  private constructor(private readonly dialect: FileDialect, options: FileStoreOptions) {
    this.clock = options.clock ?? Date.now;
    const queryNow = dialect.queryNow?.bind(dialect);
    // A dialect that keeps rows (SQLite's head cache) hands back the same row object while it
    // stands: its state is decoded once, not on every revalidation.
    const decoded = new WeakMap<FileRow, FileState>();
    if (queryNow) {
      this.currentHead = (name) => {
        const [row] = queryNow(fileQuery(FILE_SQL.head, name));
        if (row === undefined) return missingFile(name);
        let state = decoded.get(row);
        if (state === undefined) decoded.set(row, (state = toFileState(row)));
        return state;
      };
    }
  }

  /** The store over `dialect`, once the uploads a killed process staged are dropped. */
  static async open(dialect: FileDialect, options: FileStoreOptions = {}): Promise<ChunkedFileStore> {
    const store = new ChunkedFileStore(dialect, options);
    const maxAge = options.stagedMaxAgeMs ?? 3_600_000;
    await store.sweepStaged(options.alone ? 0 : maxAge);
    store.sweeper = setInterval(() => void store.sweepStaged(maxAge).catch(() => undefined), maxAge);
    store.sweeper.unref();
    return store;
  }

  /** Drops uploads staged more than `maxAgeMs` ago that no write named. */
  async sweepStaged(maxAgeMs: number): Promise<void> {
    // `<=` for 0: an upload staged in this very millisecond, by a process now dead, goes too.
    const before = this.clock() - maxAgeMs + (maxAgeMs === 0 ? 1 : 0);
    await this.dialect.query(fileQuery(FILE_SQL.dropOldChunks, before));
    await this.dialect.query(fileQuery(FILE_SQL.dropOldStaged, before));
  }

  async head(name: string): Promise<FileState> {
    return headOf(name, await this.dialect.query(fileQuery(FILE_SQL.head, name)));
  }

  upload(): FileUpload {
    return new ChunkedUpload(this.dialect, this.clock);
  }

  put(name: string, content: StagedContent, expectedVersion: number, info: FileContentInfo): Promise<FileWriteResult> {
    return this.dialect.transact(putSteps(name, content, expectedVersion, info, this.clock()), content.sha256);
  }

  delete(name: string, expectedVersion: number, info: FileWriteInfo): Promise<FileWriteResult> {
    return this.dialect.transact(deleteSteps(name, expectedVersion, info, this.clock()), name);
  }

  async list({ after = '', limit }: { after?: string; limit: number }): Promise<{ files: FileState[]; more: boolean }> {
    const rows = await this.dialect.query(fileQuery(FILE_SQL.list, after, limit + 1));
    return { files: rows.slice(0, limit).map(toFileState), more: rows.length > limit };
  }

  async versions(name: string, { before = MAX_FILE_VERSION, limit }: { before?: number; limit: number }): Promise<FileVersionInfo[]> {
    return (await this.dialect.query(fileQuery(FILE_SQL.versions, name, before, limit))).map(toFileVersion);
  }

  async version(name: string, version: number): Promise<FileVersionInfo | undefined> {
    if (version > MAX_FILE_VERSION) return undefined;
    const [row] = await this.dialect.query(fileQuery(FILE_SQL.version, name, version));
    return row === undefined ? undefined : toFileVersion(row);
  }

  async *read(sha256: string, range?: ContentRange): AsyncIterable<Buffer> {
    const start = range?.start ?? 0;
    const end = range?.end ?? Number.MAX_SAFE_INTEGER;
    const last = Math.floor(end / FILE_CHUNK_BYTES);
    for (let first = Math.floor(start / FILE_CHUNK_BYTES); first <= last; first += CHUNKS_PER_READ) {
      const upTo = Math.min(first + CHUNKS_PER_READ - 1, last);
      const rows = await this.dialect.query(fileQuery(FILE_SQL.chunks, sha256, first, upTo));
      for (const row of rows) {
        const data = row['data'] as Buffer;
        const offset = Number(row['n']) * FILE_CHUNK_BYTES;
        yield data.subarray(Math.max(0, start - offset), Math.min(data.length, end + 1 - offset));
      }
      // The content ended within this batch.
      if (rows.length < upTo - first + 1) return;
    }
  }

  async bytesBy(author: string): Promise<number> {
    const [row] = await this.dialect.query(fileQuery(FILE_SQL.bytesBy, author));
    return Number(row?.['bytes'] ?? 0);
  }

  close(): Promise<void> {
    clearInterval(this.sweeper);
    return this.dialect.close();
  }
}

function headOf(name: string, rows: FileRow[]): FileState {
  return rows[0] === undefined ? missingFile(name) : toFileState(rows[0]);
}

/** Receives a content: hashes it, and stages each chunk as it fills. */
class ChunkedUpload implements FileUpload {
  size = 0;
  private readonly hash = createHash('sha256');
  // Two chunk buffers in turn: one fills while the other is staged. A buffer is filled again
  // only after its statement ran (the one staged after it waited for it), so none is copied.
  private readonly buffers = [Buffer.allocUnsafe(FILE_CHUNK_BYTES), Buffer.allocUnsafe(FILE_CHUNK_BYTES)] as const;
  private chunk: Buffer = this.buffers[0];
  private filled = 0;
  private chunks = 0;
  private id: Promise<string> | undefined;
  private inFlight: Promise<unknown> = Promise.resolve();
  private discarded = false;

  constructor(
    private readonly dialect: FileDialect,
    private readonly clock: () => number,
  ) {}

  async write(bytes: Uint8Array): Promise<void> {
    this.hash.update(bytes);
    this.size += bytes.length;
    for (let offset = 0; offset < bytes.length; ) {
      const taken = Math.min(FILE_CHUNK_BYTES - this.filled, bytes.length - offset);
      this.chunk.set(bytes.subarray(offset, offset + taken), this.filled);
      this.filled += taken;
      offset += taken;
      if (this.filled === FILE_CHUNK_BYTES) await this.stageChunk();
    }
  }

  async finish(): Promise<StagedContent> {
    if (this.filled > 0) await this.stageChunk();
    await this.inFlight;
    return { id: await this.stagedId(), sha256: this.hash.digest('hex'), size: this.size };
  }

  async discard(): Promise<void> {
    if (this.id === undefined || this.discarded) return;
    this.discarded = true;
    await this.inFlight.catch(() => undefined);
    const id = await this.id;
    await this.dialect.stage(fileQuery(FILE_SQL.dropChunks, id));
    await this.dialect.stage(fileQuery(FILE_SQL.dropStaged, id));
  }

  private stagedId(): Promise<string> {
    this.id ??= this.dialect.stage(fileQuery(FILE_SQL.stage, this.clock())).then((rows) => String(rows[0]!['id']));
    return this.id;
  }

  // One chunk is staged while the next one fills: receiving and writing overlap.
  private async stageChunk(): Promise<void> {
    const id = await this.stagedId();
    const data = this.chunk.subarray(0, this.filled);
    const n = this.chunks++;
    this.chunk = this.buffers[this.chunks % 2]!;
    this.filled = 0;
    await this.inFlight;
    this.inFlight = this.dialect.stage(fileQuery(FILE_SQL.stageChunk, id, n, data));
    // Awaited by the next chunk or by finish; an upload abandoned meanwhile must not leave it unhandled.
    this.inFlight.catch(() => undefined);
  }
}

function* putSteps(name: string, content: StagedContent, expected: number, info: FileContentInfo, now: number): WriteSteps<FileWriteResult> {
  // Content-addressed: bytes already stored are not kept twice.
  const [stored] = yield fileQuery(FILE_SQL.storedContent, content.sha256);
  let contentId = content.id;
  if (stored !== undefined) {
    contentId = String(stored['id']);
    yield fileQuery(FILE_SQL.dropChunks, content.id);
    yield fileQuery(FILE_SQL.dropStaged, content.id);
  } else {
    const kept = yield fileQuery(`${FILE_SQL.keepStaged} RETURNING id`, content.id, content.sha256, content.size);
    if (kept.length === 0) throw new Error('The staged upload is gone (dropped as abandoned?); nothing was written.');
  }
  const key = pageNameKey(name);
  const fields = [contentId, content.sha256, info.mediaType, content.size, info.width ?? null, info.height ?? null];
  const rows = expected === 0 ? yield fileQuery(FILE_SQL.create, now, name, ...fields, key) : yield fileQuery(FILE_SQL.replace, now, name, ...fields, expected);
  if (rows[0] === undefined) return yield* refusalSteps(name, key, expected);
  yield fileQuery(FILE_SQL.record, name, info.summary, info.author);
  return { ok: true, state: toFileState(rows[0]) };
}

function* deleteSteps(name: string, expected: number, info: FileWriteInfo, now: number): WriteSteps<FileWriteResult> {
  const [row] = yield fileQuery(FILE_SQL.remove, now, name, expected);
  if (row === undefined) return { ok: false, reason: 'conflict' };
  yield fileQuery(FILE_SQL.record, name, info.summary, info.author);
  return { ok: true, state: toFileState(row) };
}

function* refusalSteps(name: string, key: string, expected: number): WriteSteps<FileWriteResult> {
  if (expected === 0) {
    const [holder] = yield fileQuery(FILE_SQL.lookalike, key, name);
    if (holder !== undefined) return { ok: false, reason: 'lookalike', existing: holder['name'] as string };
  }
  return { ok: false, reason: 'conflict' };
}
