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
  /** While other writers wait, one writer's jobs in a batch stay under this many bytes (its first always goes). */
  readonly writerShare: number;
  readonly bytesOf: (job: Job) => number;
  /** Who asked for the job (an account or a client address): the unit of fairness. */
  readonly writerOf: (job: Job) => string;
}

/**
 * 512 KiB of page text per transaction: on SQLite ~20 ms on the event loop, most of it the
 * fsync of synchronous=FULL, whose cost grows with the bytes, so an import loses little
 * throughput to it (measured: 1 MiB batches held the loop twice as long for at most ~10% more
 * pages/s). A batch that also carries someone else's write holds at most 128 KiB of any one
 * writer's, so a person's save behind a bulk import leaves with a small batch.
 */
export const DEFAULT_BATCH_LIMITS = { maxJobs: 64, maxBytes: 512 * 1024, writerShare: 128 * 1024 } as const;

/**
 * The waiting entries of one batch, in arrival order; always at least one. Fair per writer,
 * not per request: writers take turns (round robin, the writer waiting longest first), one
 * entry per turn, each writer's entries in its own arrival order. While more than one writer
 * waits, a writer's entries in the batch stay within `writerShare` bytes, so a save arriving
 * behind a bulk import leaves with the very next batch, and that batch is small. An entry
 * that does not fit (or that `admits` turns away) ends its writer's turns in this batch, so a
 * writer's later entries never overtake it. The oldest entry of all always leads: nobody
 * starves, the bulk writer included.
 */
export function takeBatch<Entry>(
  queue: readonly Entry[],
  limits: BatchLimits<Entry>,
  admits: (entry: Entry) => boolean = () => true,
): { batch: Entry[]; rest: Entry[] } {
  const byWriter = new Map<string, Entry[]>();
  for (const entry of queue) {
    const writer = limits.writerOf(entry);
    const own = byWriter.get(writer);
    if (own) own.push(entry);
    else byWriter.set(writer, [entry]);
  }
  const contended = byWriter.size > 1;
  const turns = [...byWriter.values()].map((entries) => ({ entries, next: 0, bytes: 0 }));
  const taken = new Set<Entry>();
  let bytes = 0;
  let active = turns;
  while (active.length > 0 && taken.size < limits.maxJobs) {
    active = active.filter((turn) => {
      const entry = turn.entries[turn.next];
      if (entry === undefined || taken.size >= limits.maxJobs) return false;
      const size = limits.bytesOf(entry);
      const fits = taken.size === 0 || (bytes + size <= limits.maxBytes && (!contended || turn.bytes === 0 || turn.bytes + size <= limits.writerShare));
      if (!fits || !admits(entry)) return false;
      taken.add(entry);
      bytes += size;
      turn.bytes += size;
      turn.next++;
      return true;
    });
  }
  // Arrival order within the batch too: two writers' writes to one page apply as they came.
  return { batch: queue.filter((entry) => taken.has(entry)), rest: queue.filter((entry) => !taken.has(entry)) };
}

interface Waiting<Job, Result> {
  readonly job: Job;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
}

export interface GroupCommitOptions<Job> extends BatchLimits<Job> {
  /** Batches committing at once (default 1); more overlap one's commit with the next one's work (an asynchronous commit only). */
  readonly maxInFlight?: number;
  /**
   * When every slot is taken (by a bulk importer, typically), one more batch may start, made
   * only of the writes of writers that have nothing in flight: a person's save then waits
   * behind no batch of someone else's, and a writer keeping the slots busy never gets it.
   */
  readonly fastLane?: boolean;
  /** Jobs with the same key never share a batch (PostgreSQL's statement wants unique page names). */
  readonly keyOf?: (job: Job) => string;
}

/**
 * Group commit: writes that arrive while the store is busy are applied together in one
 * transaction, so one durable commit (one fsync, one WAL flush) serves them all. Each write
 * is still its own compare-and-swap with its own result, and no caller hears of success
 * before the commit that holds its write has returned.
 *
 * `commit` applies a batch atomically and returns one result per job, in order, or throws
 * (rejects) for all: synchronously on SQLite (the transaction runs on the event loop), or as
 * a promise on PostgreSQL. The scheduling is the same for both.
 *
 * Fairness: writers take turns in arrival order, a bounded batch at a time (see takeBatch),
 * and at most one batch starts per turn of the event loop (setImmediate), so reads are
 * answered and a new writer's request is read in between.
 */
export class GroupCommit<Job, Result> {
  private queue: Waiting<Job, Result>[] = [];
  private scheduled = false;
  private inFlight = 0;
  private fastLaneBusy = false;
  /** Jobs in flight per writer; kept only for the fast lane. */
  private readonly busyWriters = new Map<string, number>();
  private readonly limits: BatchLimits<Waiting<Job, Result>>;
  private readonly maxInFlight: number;

  constructor(
    private readonly commit: (jobs: Job[]) => Result[] | Promise<Result[]>,
    private readonly options: GroupCommitOptions<Job> = { ...DEFAULT_BATCH_LIMITS, bytesOf: () => 0, writerOf: () => '' },
  ) {
    this.maxInFlight = options.maxInFlight ?? 1;
    this.limits = {
      maxJobs: options.maxJobs,
      maxBytes: options.maxBytes,
      writerShare: options.writerShare,
      bytesOf: (entry) => options.bytesOf(entry.job),
      writerOf: (entry) => options.writerOf(entry.job),
    };
  }

  submit(job: Job): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.schedule();
    });
  }

  /** Commits everything queued now, batch after batch, without yielding (shutdown; a synchronous commit). */
  flush(): void {
    while (this.queue.length > 0 && this.inFlight < this.maxInFlight) this.launch(this.take(), false);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate lets every request already read from the sockets join this batch, and
    // lets the loop serve others between two batches.
    setImmediate(() => {
      this.scheduled = false;
      this.startNext();
    });
  }

  /** Starts the next batch if a slot (or the fast lane) is free; the next one waits for the next turn. */
  private startNext(): void {
    if (this.queue.length === 0) return;
    if (this.inFlight < this.maxInFlight) {
      this.launch(this.take(), false);
    } else if (this.options.fastLane && !this.fastLaneBusy) {
      const batch = this.take((job) => !this.busyWriters.has(this.options.writerOf(job)));
      if (batch.length > 0) this.launch(batch, true);
    }
  }

  private launch(batch: Waiting<Job, Result>[], fast: boolean): void {
    if (fast) this.fastLaneBusy = true;
    else this.inFlight++;
    const writers = this.options.fastLane ? batch.map((entry) => this.options.writerOf(entry.job)) : [];
    for (const writer of writers) this.busyWriters.set(writer, (this.busyWriters.get(writer) ?? 0) + 1);
    const done = () => {
      if (fast) this.fastLaneBusy = false;
      else this.inFlight--;
      for (const writer of writers) {
        const left = this.busyWriters.get(writer)! - 1;
        if (left === 0) this.busyWriters.delete(writer);
        else this.busyWriters.set(writer, left);
      }
      if (this.queue.length > 0) this.schedule();
    };
    const answer = (results: Result[]) => batch.forEach((entry, i) => entry.resolve(results[i]!));
    const fail = (error: unknown) => batch.forEach((entry) => entry.reject(error));
    let committed: Result[] | Promise<Result[]>;
    try {
      committed = this.commit(batch.map((entry) => entry.job));
    } catch (error) {
      fail(error);
      done();
      return;
    }
    if (Array.isArray(committed)) {
      answer(committed);
      done();
    } else {
      committed.then(answer, fail).finally(done);
      if (this.queue.length > 0) this.schedule();
    }
  }

  /** The next fair batch of the jobs `eligible` allows, one per key; the rest keep their places. */
  private take(eligible?: (job: Job) => boolean): Waiting<Job, Result>[] {
    const { keyOf } = this.options;
    const keys = keyOf && new Set<string>();
    const admits =
      eligible === undefined && keys === undefined
        ? undefined
        : (entry: Waiting<Job, Result>) => {
            if (eligible && !eligible(entry.job)) return false;
            if (!keys) return true;
            const key = keyOf!(entry.job);
            if (keys.has(key)) return false;
            keys.add(key);
            return true;
          };
    const { batch, rest } = takeBatch(this.queue, this.limits, admits);
    this.queue = rest;
    return batch;
  }
}
