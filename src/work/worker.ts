// The entry of each worker thread of the pool (piscina loads it by file name).
import { type TaskKind, TASKS } from './tasks.js';

export default function runTask({ kind, input }: { kind: TaskKind; input: never }): unknown {
  return TASKS[kind](input);
}
