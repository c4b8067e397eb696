// A pool of worker threads for the work that may take long (its tasks: tasks.ts), so that one
// hostile page or one huge diff never holds the event loop every other request waits on.
// Each task has a time budget; past it its thread is ended and the caller degrades.
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { TaskInput, TaskKind, TaskOutput, TaskTable, WorkerEntry } from './tasks.js';

export interface WorkPoolOptions {
  /** Worker threads. */
  readonly threads: number;
  /** Ms a task may run in its thread before it is cancelled (waiting for a thread not counted). */
  readonly timeBudgetMs: number;
  /**
   * Tasks that may wait for a thread; past that, callers get 503 (default 64 per thread: a
   * freshly started server that many people visit at once renders every page for the first
   * time, and a small page takes a thread well under a millisecond).
   */
  readonly maxQueue?: number;
  /** Ms a task may wait for a thread, beyond its own budget (default MAX_WAIT_MS). */
  readonly maxWaitMs?: number;
  /**
   * How much lower the threads' CPU priority is than the event loop's (Unix nice; default 0).
   * Where they share a core, the loop then wins it: a long render slows itself, not every
   * small request. (piscina applies it in each thread through @napi-rs/nice.)
   */
  readonly niceIncrement?: number;
}

/** The answer of a task: its result, or not done when it ran out of time and was cancelled. */
export type Outcome<T> = { readonly done: true; readonly value: T } | { readonly done: false };

/** Ms a task may wait for a thread, beyond its own budget (the queue is bounded as well). */
const MAX_WAIT_MS = 10_000;

/** Seconds a client told "busy" should wait (RFC 9110 §10.2.3). */
export const BUSY_RETRY_AFTER_SECONDS = 2;

/** The queue is full: the caller may degrade, or answer 503 (src/http/domain-problems.ts). */
export class WorkBusyError extends Error {
  readonly retryAfterSeconds = BUSY_RETRY_AFTER_SECONDS;
  constructor() {
    super(`The server has too much formatting work queued. Try again in ${BUSY_RETRY_AFTER_SECONDS} s.`);
    this.name = 'WorkBusyError';
  }
}

/** Runs the tasks of one table (the entry module its threads load) in worker threads. */
export class WorkPool<Tasks extends TaskTable = TaskTable> {
  private readonly piscina: Piscina;
  private readonly maxQueue: number;
  private readonly maxWaitMs: number;
  readonly timeBudgetMs: number;

  constructor(entry: WorkerEntry<Tasks>, options: WorkPoolOptions) {
    this.timeBudgetMs = options.timeBudgetMs;
    this.maxQueue = options.maxQueue ?? 64 * options.threads;
    this.maxWaitMs = options.maxWaitMs ?? MAX_WAIT_MS;
    this.piscina = new Piscina({
      filename: entry.url,
      minThreads: options.threads,
      maxThreads: options.threads,
      // Our own check below answers 503 before piscina would refuse.
      maxQueue: this.maxQueue + 1,
      idleTimeout: 60_000,
      niceIncrement: options.niceIncrement ?? 0,
    });
  }

  /**
   * Runs one task in a worker. Throws WorkBusyError when the queue is full; resolves to
   * `{ done: false }` when the task ran out of its time budget (its thread is ended then).
   */
  async run<K extends TaskKind<Tasks>>(kind: K, input: TaskInput<Tasks, K>, timeBudgetMs = this.timeBudgetMs): Promise<Outcome<TaskOutput<Tasks, K>>> {
    if (this.piscina.queueSize >= this.maxQueue) {
      throw new WorkBusyError();
    }
    // The budget counts from when a thread takes the task (it says so on `started`), so a
    // task that waited behind a hostile one is not cut short; the wait itself is bounded too.
    const abort = new AbortController();
    const { port1: started, port2: report } = new MessageChannel();
    let timer = setTimeout(() => abort.abort(), timeBudgetMs + this.maxWaitMs);
    started.once('message', () => {
      clearTimeout(timer);
      timer = setTimeout(() => abort.abort(), timeBudgetMs);
    });
    try {
      const value = (await this.piscina.run({ kind, input, started: report }, { signal: abort.signal, transferList: [report] })) as TaskOutput<Tasks, K>;
      return { done: true, value };
    } catch (error) {
      if (abort.signal.aborted) return { done: false };
      throw error;
    } finally {
      clearTimeout(timer);
      started.close();
    }
  }

  /** Tasks waiting for a thread. */
  get queued(): number {
    return this.piscina.queueSize;
  }

  async close(): Promise<void> {
    await this.piscina.close({ force: true });
  }
}
