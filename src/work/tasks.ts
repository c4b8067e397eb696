// What a worker thread runs: a table of tasks by kind, plain values in and out (they cross a
// thread by structured clone). The pool knows no task of its own: each layer declares the
// tasks it needs (pages/page-tasks.ts, ui/wiki-tasks.ts) and src/worker-tasks.ts, beside the
// app, puts them in one table and is the module every thread loads.

/** Tasks by kind; each takes one plain value and returns one. */
export type TaskTable = Record<string, (input: any) => unknown>;

export type TaskKind<T extends TaskTable> = keyof T & string;
export type TaskInput<T extends TaskTable, K extends TaskKind<T>> = Parameters<T[K]>[0];
export type TaskOutput<T extends TaskTable, K extends TaskKind<T>> = ReturnType<T[K]>;

/**
 * The module a pool's threads load: its URL, typed with the table its default export runs
 * (made with `taskRunner`), so a pool of it offers exactly those tasks.
 */
export interface WorkerEntry<T extends TaskTable> {
  readonly url: string;
  /** Never set: carries the table's type only. */
  readonly tasks?: T;
}
