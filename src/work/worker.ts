// The function each worker thread of the pool runs (piscina calls a module's default export):
// a worker entry module exports `taskRunner(itsTable)` as its default (src/worker-tasks.ts).
import type { MessagePort } from 'node:worker_threads';
import type { TaskTable } from './tasks.js';

/** A message a thread sends when it takes a task. */
export interface TaskMessage {
  readonly kind: string;
  readonly input: unknown;
  /** Tells the pool the task has a thread now: its time budget starts here. */
  readonly started: MessagePort;
}

export function taskRunner(tasks: TaskTable): (message: TaskMessage) => unknown {
  return function runTask({ kind, input, started }) {
    started.postMessage('started');
    started.close();
    const task = tasks[kind];
    if (!task) throw new Error(`No task "${kind}" in this worker's table`);
    return task(input);
  };
}
