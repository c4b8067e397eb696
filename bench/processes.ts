// Child processes of a benchmark run: started pinned to a CPU where taskset exists, measured
// through /proc, and always killed at the end, even when the run fails or is interrupted.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The CPU the measured server runs on, and the one its load generator runs on. */
export const SERVER_CPU = 0;
export const LOAD_CPU = 1;

const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void> | void)[] = [];

/** The absolute path of an executable on PATH, or undefined. */
export function which(command: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

let taskset: string | undefined | null = null;
function tasksetPath(): string | undefined {
  if (taskset === null) {
    const found = which('taskset');
    // Pinning to CPU 1 needs a second CPU; on one CPU both share it and nothing is pinned.
    taskset = found !== undefined && cpuCount() >= 2 ? found : undefined;
  }
  return taskset;
}

export function pinningAvailable(): boolean {
  return tasksetPath() !== undefined;
}

export function cpuCount(): number {
  const result = spawnSync('nproc', { encoding: 'utf8' });
  const count = Number(result.stdout?.trim());
  return Number.isInteger(count) && count > 0 ? count : 1;
}

export interface SpawnOptions {
  /** Pins the process (and its threads) to this CPU when taskset is available. */
  readonly cpu?: number;
  readonly env?: Record<string, string>;
}

let setpriv: string | undefined | null = null;
function setprivPath(): string | undefined {
  if (setpriv === null) setpriv = process.platform === 'linux' ? which('setpriv') : undefined;
  return setpriv;
}

/**
 * The command line that runs `command`: pinned with taskset where it can be, and, where
 * setpriv exists, asking Linux to send SIGTERM should the run itself die. Our own cleanup
 * covers a failure or an interrupt; this covers a run killed from outside (kill -9, a CI
 * timeout), which would otherwise leave servers and wrk running on the machine. Both tools
 * exec what follows, so the pid stays the command's (what /proc reads need).
 */
function commandLine(command: string, args: readonly string[], cpu: number | undefined): [string, string[]] {
  let line = [command, ...args];
  const pin = cpu === undefined ? undefined : tasksetPath();
  if (pin !== undefined) line = [pin, '-c', String(cpu), ...line];
  const orphanGuard = setprivPath();
  if (orphanGuard !== undefined) line = [orphanGuard, '--pdeathsig', 'TERM', ...line];
  return [line[0]!, line.slice(1)];
}

export function spawnPinned(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const [file, fileArgs] = commandLine(command, args, options.cpu);
  const child = spawn(file, fileArgs, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.once('error', () => children.delete(child));
  return child;
}

/** A node process running a TypeScript file of bench/ through tsx. */
export function spawnBenchScript(file: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  return spawnPinned(process.execPath, ['--import', 'tsx', join(import.meta.dirname, file), ...args], options);
}

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion; kills it (and fails) after `timeoutMs`. */
export function runToEnd(child: ChildProcess, timeoutMs: number, what: string): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not finish within ${Math.round(timeoutMs / 1000)} s\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Resolves with the first match of `pattern` in the child's output; rejects if it exits first. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpExecArray> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not start within ${Math.round(timeoutMs / 1000)} s:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
}

/** Runs `action` at the end of the run, on success, failure or interruption (latest first). */
export function atCleanup(action: () => Promise<void> | void): void {
  cleanups.push(action);
}

/** A temporary folder, removed at cleanup. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  atCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function killChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** Kills every child still running, then runs the cleanups, each given at most 5 s. */
export async function cleanUp(): Promise<void> {
  killChildren();
  while (cleanups.length > 0) {
    const action = cleanups.pop()!;
    await Promise.race([
      Promise.resolve()
        .then(action)
        .catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 5000).unref()),
    ]);
  }
}

/** Children die with the harness, however it ends. */
export function installExitHandlers(): void {
  process.on('exit', killChildren);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`\nbench: ${signal}, stopping every child process`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
}

// --- /proc ---------------------------------------------------------------------------

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    const value = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim());
    clockTicks = Number.isFinite(value) && value > 0 ? value : 100;
  }
  return clockTicks;
}

/** Resident set size in bytes (VmRSS), or undefined once the process is gone. */
export function residentBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** User plus system CPU time the process has used, in seconds (utime + stime of /proc/PID/stat). */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields are counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

export function procAvailable(): boolean {
  return existsSync('/proc/self/stat');
}
