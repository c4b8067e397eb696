// The measured servers: midair as a real process (dist/main.js) and the Fastify baseline,
// both pinned to the server CPU, both read through /proc while the load runs.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { cpuSeconds, residentBytes, SERVER_CPU, spawnBenchScript, spawnPinned, tempDir, waitForOutput } from './processes.js';

/** The repository's own build, used with --no-build. */
export const REPOSITORY_MAIN = join(import.meta.dirname, '..', 'dist', 'main.js');

export interface ServerProcess {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  /** SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<void>;
}

export interface MidairOptions {
  /** The dist/main.js to run. */
  readonly main: string;
  readonly bodyLimit?: string;
  /** postgres://…; unset selects SQLite in a fresh temporary folder. */
  readonly databaseUrl?: string;
  /** The SQLite data folder of an earlier run to serve again, rather than a fresh one. */
  readonly dataDir?: string;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
}

export async function startMidair(name: string, options: MidairOptions): Promise<ServerProcess & { readonly dataDir: string }> {
  const dataDir = options.dataDir ?? tempDir('midair-bench-');
  const args = [options.main, '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'warn'];
  if (options.bodyLimit !== undefined) args.push('--body-limit', options.bodyLimit);
  const child = spawnPinned(process.execPath, args, {
    cpu: SERVER_CPU,
    // An inherited DATABASE_URL must not switch the store of a SQLite run.
    env: { LOG_LEVEL: 'warn', DATABASE_URL: options.databaseUrl ?? '' },
  });
  const match = await waitForOutput(child, /midair listening on (http:\/\/\S+)/, 30_000, `midair (${name})`);
  return { name, url: match[1]!, pid: child.pid!, dataDir, stop: stopper(child) };
}

/** `htmlBytes`: the size of the constant page its /wiki/:name sends (4 KiB unless given). */
export async function startBaseline(htmlBytes?: number): Promise<ServerProcess & { readonly etag: string }> {
  const child = spawnBenchScript('baseline-server.ts', ['0', ...(htmlBytes === undefined ? [] : [String(htmlBytes)])], { cpu: SERVER_CPU });
  const match = await waitForOutput(child, /baseline listening on (http:\/\/\S+) etag (\S+)/, 30_000, 'the baseline server');
  return { name: 'baseline', url: match[1]!, etag: match[2]!, pid: child.pid!, stop: stopper(child) };
}

/** CPU seconds and RSS of a server around one measured run. */
export async function measured<T>(server: { readonly pid: number }, run: () => Promise<T>): Promise<{ result: T; cpuSeconds: number | undefined; rssBytes: number | undefined }> {
  const before = cpuSeconds(server.pid);
  const result = await run();
  const after = cpuSeconds(server.pid);
  return {
    result,
    cpuSeconds: before === undefined || after === undefined ? undefined : after - before,
    rssBytes: residentBytes(server.pid),
  };
}
