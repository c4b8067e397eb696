// One midair process per SQLite file unless it is opened as shared (--workers): a lone
// process may then trust its validator cache without asking SQLite on every request.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

export class StoreInUseError extends Error {
  constructor(readonly lockFile: string, readonly pid: number) {
    super(
      `Another midair process (pid ${pid}) is using this store. Stop it, or run several processes with --workers N; ` +
        `if no such process exists, remove ${lockFile}.`,
    );
    this.name = 'StoreInUseError';
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A recycled pid is not ours if its command line does not mention node (Linux only; elsewhere assume it is).
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
  } catch {
    return true;
  }
}

/** Takes `file` as a lock holding our pid; a lock left by a dead process is taken over. */
export function acquireLock(file: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(file, 'utf8') === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(holder) && isRunning(holder)) throw new StoreInUseError(file, holder);
    unlinkSync(file); // stale: its process died (for example kill -9)
  }
  throw new Error(`Could not take the lock ${file}`);
}
