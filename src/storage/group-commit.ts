import type { WriteResult } from './store.js';

/**
 * One write's outcome inside a batch. A write that fails alone (rolled back to its savepoint
 * on SQLite, retried by itself on PostgreSQL) fails only its own caller.
 */
export type BatchOutcome = { result: WriteResult } | { error: unknown };

/** The caller's view of its outcome: the result, or the error thrown. */
export function outcomeOf(outcome: BatchOutcome): WriteResult {
  if ('error' in outcome) throw outcome.error;
  return outcome.result;
}

/**
 * How much one batch may hold. A batch is work done in one go (on SQLite, one synchronous
 * transaction on the event loop), so it is bounded by count and by bytes: one bulk importer
 * cannot hold the loop, or another writer, for long.
 */
export interface BatchLimits<Job> {
  readonly maxJobs: number;
  /** A batch's jobs together stay under this many bytes, but a larger job still goes, alone. */
  readonly maxBytes: number;
  readonly bytesOf: (job: Job) => number;
}

/** ~1 MiB of page text per transaction: a few milliseconds of work at most. */
export const DEFAULT_BATCH_LIMITS = { maxJobs: 64, maxBytes: 1024 * 1024 } as const;

/**
 * The waiting entries of one batch, oldest first; always at least one. An entry too large
 * for the room left keeps its place, at the head of the next batch, while later, smaller ones
 * fill the room (first fit): a small save behind a bulk import's large pages leaves with the
 * next batch, and no entry is overtaken by more than one batch. `admits` may turn an entry
 * away too (it also keeps its place).
 */
export function takeBatch<Entry>(
  queue: readonly Entry[],
  limits: { readonly maxJobs: number; readonly maxBytes: number },
  bytesOf: (entry: Entry) => number,
  admits: (entry: Entry) => boolean = () => true,
): { batch: Entry[]; rest: Entry[] } {
  const batch: Entry[] = [];
  const rest: Entry[] = [];
  let bytes = 0;
  for (const entry of queue) {
    if (batch.length < limits.maxJobs) {
      const size = bytesOf(entry);
      if ((batch.length === 0 || bytes + size <= limits.maxBytes) && admits(entry)) {
        batch.push(entry);
        bytes += size;
        continue;
      }
    }
    rest.push(entry);
  }
  return { batch, rest };
}

interface Waiting<Job, Result> {
  readonly job: Job;
  readonly resolve: (r: Result) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Group commit: writes that arrive while the store is busy are applied together in one
 * transaction, so one durable commit (one fsync) serves them all. Each write is still its
 * own compare-and-swap with its own result, and no caller hears of success before the
 * commit that holds its write has returned.
 *
 * Fairness: writers are served in arrival order, a bounded batch at a time (see takeBatch),
 * and the event loop turns between two batches (setImmediate), so reads are answered and a
 * new writer's request is read in between.
 */
export class GroupCommit<Job, Result> {
  private queue: Waiting<Job, Result>[] = [];
  private scheduled = false;

  /** `commit` applies a batch atomically and returns one result per job, in order. */
  constructor(
    private readonly commit: (jobs: Job[]) => Result[],
    private readonly limits: BatchLimits<Job> = { ...DEFAULT_BATCH_LIMITS, bytesOf: () => 0 },
  ) {}

  submit(job: Job): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.schedule();
    });
  }

  /** Commits everything queued now, batch after batch, without yielding (shutdown). */
  flush(): void {
    while (this.queue.length > 0) this.commitNext();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate lets every request already read from the sockets join this batch, and
    // lets the loop serve others between two batches.
    setImmediate(() => {
      this.scheduled = false;
      this.commitNext();
      if (this.queue.length > 0) this.schedule();
    });
  }

  /** Commits the oldest batch that fits the limits. */
  private commitNext(): void {
    const { batch, rest } = takeBatch(this.queue, this.limits, (entry) => this.limits.bytesOf(entry.job));
    this.queue = rest;
    if (batch.length === 0) return;
    let results: Result[];
    try {
      results = this.commit(batch.map((entry) => entry.job));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    batch.forEach((entry, i) => entry.resolve(results[i]!));
  }
}
