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
 * Group commit: writes that arrive while the store is busy are applied together in one
 * transaction, so one durable commit (one fsync) serves them all. Each write is still its
 * own compare-and-swap with its own result, and no caller hears of success before the
 * commit that holds its write has returned.
 */
export class GroupCommit<Job, Result> {
  private queue: { job: Job; resolve: (r: Result) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;

  /** `commit` applies a batch atomically and returns one result per job, in order. */
  constructor(private readonly commit: (jobs: Job[]) => Result[]) {}

  submit(job: Job): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate lets every request already read from the sockets join this batch.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits whatever is queued now (also used on shutdown). */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
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
