// Starts midair as a real server process (dist/main.js, built by `npm test`) on a free port.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { after, before } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningServer {
  readonly url: string;
  readonly dataDir: string;
  readonly process: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** SIGTERM, and wait for a clean exit; returns the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no chance to flush anything. */
  kill(): Promise<void>;
}

export interface StartOptions {
  readonly dataDir?: string;
  readonly args?: readonly string[];
  readonly env?: Record<string, string>;
}

const MAIN = join(import.meta.dirname, '..', '..', 'dist', 'main.js');

export function tempDir(prefix = 'midair-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const dataDir = options.dataDir ?? tempDir();
  const child = spawn(process.execPath, [MAIN, '--port', '0', '--data-dir', dataDir, ...(options.args ?? [])], {
    // A test asks for PostgreSQL explicitly; an inherited DATABASE_URL must not switch the store.
    env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`midair did not start within 15 s:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /midair listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`midair exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url,
    dataDir,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface SuiteServer {
  /** The running server's base URL (set once the suite's `before` hook has run). */
  readonly url: string;
  readonly server: RunningServer;
}

/**
 * One server process for the whole test file: started before its tests, stopped (and its data
 * folder removed) after them. `cleanExit` also checks that SIGTERM ends it with exit code 0.
 */
export function serverPerSuite(options: StartOptions & { readonly cleanExit?: boolean } = {}): SuiteServer {
  let running: RunningServer | undefined;
  before(async () => {
    running = await startServer(options);
  });
  after(async () => {
    if (!running) return;
    const code = await running.stop();
    removeDir(running.dataDir);
    if (options.cleanExit && code !== 0) throw new Error(`the server exited with ${code} on SIGTERM:\n${running.output()}`);
  });
  return {
    get url() {
      if (!running) throw new Error('the suite server is not started yet');
      return running.url;
    },
    get server() {
      if (!running) throw new Error('the suite server is not started yet');
      return running;
    },
  };
}
