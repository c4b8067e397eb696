// The entry of each worker thread of the pool (piscina loads it by file name).
import type { MessagePort } from 'node:worker_threads';
import { type TaskKind, TASKS } from './tasks.js';

/** `started` tells the pool the task has a thread now: its time budget starts here. */
export default function runTask({ kind, input, started }: { kind: TaskKind; input: never; started: MessagePort }): unknown {
  started.postMessage('started');
  started.close();
  return TASKS[kind](input);
}
