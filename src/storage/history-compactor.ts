// Compresses revisions that are no longer current, in the background and in small batches.
//
// A write that supersedes a revision queues it (the `pending_compression` table, in the write's
// own transaction), and the schema migration queues every old revision of a store written
// before compression existed. The compactor takes the queue in batches bounded in rows and
// bytes: it reads a batch, compresses it in the thread pool (never on the event loop), and
// stores the results and dequeues them in one transaction of its own. Killed at any point, it
// loses at most the batch in progress, which is still queued and still plain: the next start
// goes on from there. Writes never wait for it; reads of a row compressed or not are the same.
import { compressRevision, type EncodedRevision } from './revision-codec.js';

export interface QueuedRevision {
  /** The revision's store-wide sequence (its row). */
  readonly seq: number;
  /** Its UTF-8 bytes, as stored plain; undefined when there is nothing to compress (a deletion, or done already). */
  readonly text: Buffer | undefined;
}

export interface Compaction {
  readonly seq: number;
  /** The revision's new form; undefined to only take it off the queue. */
  readonly encoded: EncodedRevision | undefined;
}

/** What a backend does for the compactor; each call is one statement or one transaction. */
export interface CompactionBackend {
  /**
   * The oldest queued revisions: at most `rows`, and no more than `bytes` of text in all
   * (always at least one, however large).
   */
  queued(rows: number, bytes: number): Promise<QueuedRevision[]>;
  /**
   * In one transaction: stores each revision's new form (only where the row is still plain,
   * so a second compactor in another process does no harm) and takes it off the queue.
   */
  store(compactions: readonly Compaction[]): Promise<void>;
  /** Optional bounded clean-up after a batch (SQLite gives free pages back here). */
  afterBatch?(): Promise<void>;
}

export interface CompactorOptions {
  /** Most revisions per batch. */
  readonly batchRows?: number;
  /** Most bytes of text per batch (a single larger revision still makes a batch of its own). */
  readonly batchBytes?: number;
  /** Pause between batches while work is queued, so that requests keep the loop (ms). */
  readonly pauseMs?: number;
  /** Run by itself: at start and after every nudge. Off, only compactAll() compacts. */
  readonly background?: boolean;
  /** Told when a background batch fails (it is tried again later). */
  readonly onError?: (error: unknown) => void;
}

/** The first queued rows (oldest first) whose sizes add up to at most `bytes`; never none. */
export function withinBytes<Row extends { readonly size: number }>(rows: readonly Row[], bytes: number): Row[] {
  let total = 0;
  let count = 0;
  while (count < rows.length && (count === 0 || total + rows[count]!.size <= bytes)) total += rows[count++]!.size;
  return rows.slice(0, count);
}

export const COMPACTION_DEFAULTS = { batchRows: 32, batchBytes: 2 * 1024 * 1024, pauseMs: 20 } as const;

// After a failed batch (a busy or unreachable database), the background waits this long.
const RETRY_AFTER_MS = 5000;

export class HistoryCompactor {
  private readonly batchRows: number;
  private readonly batchBytes: number;
  private readonly pauseMs: number;
  private readonly background: boolean;
  private timer: NodeJS.Timeout | undefined;
  /** The batch in progress, so that batches never overlap and close() can wait for it. */
  private running: Promise<number> | undefined;
  private closed = false;

  constructor(
    private readonly backend: CompactionBackend,
    private readonly options: CompactorOptions = {},
  ) {
    this.batchRows = options.batchRows ?? COMPACTION_DEFAULTS.batchRows;
    this.batchBytes = options.batchBytes ?? COMPACTION_DEFAULTS.batchBytes;
    this.pauseMs = options.pauseMs ?? COMPACTION_DEFAULTS.pauseMs;
    this.background = options.background ?? true;
    this.nudge();
  }

  /** Something may have been queued: the background looks soon (a no-op when it is off). */
  nudge(): void {
    this.schedule(this.pauseMs);
  }

  /** Compacts one batch; resolves to the revisions it handled (0 when the queue is empty). */
  step(): Promise<number> {
    this.running ??= this.batch().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Compacts until the queue is empty. */
  async compactAll(): Promise<void> {
    while ((await this.step()) > 0);
  }

  /** Stops the background and waits for the batch in progress. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (!this.background || this.closed || this.timer) return;
    // Unref'd: a pending compaction never keeps the process alive.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.step().then(
        (done) => {
          if (done > 0) this.schedule(this.pauseMs);
        },
        (error: unknown) => {
          if (this.closed) return;
          this.options.onError?.(error);
          this.schedule(RETRY_AFTER_MS);
        },
      );
    }, delayMs).unref();
  }

  private async batch(): Promise<number> {
    if (this.closed) return 0;
    const queued = await this.backend.queued(this.batchRows, this.batchBytes);
    if (queued.length === 0) return 0;
    const compactions: Compaction[] = [];
    // One at a time: the thread pool is shared with file and DNS work.
    for (const { seq, text } of queued) {
      compactions.push({ seq, encoded: text === undefined ? undefined : await compressRevision(text) });
    }
    await this.backend.store(compactions);
    await this.backend.afterBatch?.();
    return queued.length;
  }
}

/** A store's compactor: a failed background batch becomes a process warning, and is tried again later. */
export function storeCompactor(backend: CompactionBackend, options: CompactorOptions = {}): HistoryCompactor {
  return new HistoryCompactor(backend, {
    onError: (error) => process.emitWarning(`Compacting history failed; trying again later: ${String(error)}`),
    ...options,
  });
}
