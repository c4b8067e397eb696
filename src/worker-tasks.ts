// The task table of midair's worker threads, assembled from each layer's own (so src/work
// knows no task), and the module every thread of the pool loads: its default export runs them.
import { PAGE_TASKS } from './pages/page-tasks.js';
import { WIKI_TASKS } from './ui/wiki-tasks.js';
import { COMPRESSION_TASKS } from './work/compression.js';
import type { WorkerEntry } from './work/tasks.js';
import { taskRunner } from './work/worker.js';

export const TASKS = { ...PAGE_TASKS, ...WIKI_TASKS, ...COMPRESSION_TASKS };
export type AppTasks = typeof TASKS;

/** This module as a pool's worker entry: under tsx (the tests) the .ts source, in dist the .js. */
export const TASK_WORKER: WorkerEntry<AppTasks> = { url: import.meta.url };

export default taskRunner(TASKS);
