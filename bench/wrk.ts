// wrk, the load generator: found (or installed with apt-get when we are root), driven with the
// Lua scripts of bench/lua/ from its own CPU, its result read from the line report.lua prints.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOAD_CPU, runToEnd, spawnPinned, which } from './processes.js';

const LUA_DIR = join(import.meta.dirname, 'lua');

export const WRK_INSTALL_HINT =
  'wrk is needed: `sudo apt-get install wrk` (Debian/Ubuntu), `brew install wrk` (macOS), or build it from ' +
  'https://github.com/wg/wrk. autocannon (`npx autocannon`) is a fallback for a rough look, but a single Node ' +
  'process saturates near 25k requests/s on a 2-core machine and would hide the differences measured here.';

/** The path of wrk; installs Debian's package when missing and we are root. Undefined when neither works. */
export function findWrk(log: (line: string) => void): string | undefined {
  const found = which('wrk');
  if (found !== undefined) return found;
  if (process.getuid?.() !== 0 || which('apt-get') === undefined) return undefined;
  log('wrk is missing: installing it with apt-get');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'wrk'], { stdio: 'inherit', env, timeout: 300_000 });
  if (install().status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env, timeout: 300_000 });
    install();
  }
  return which('wrk');
}

export function wrkVersion(wrk: string): string {
  const result = spawnSync(wrk, ['-v'], { encoding: 'utf8' });
  return (/wrk \S+/.exec(`${result.stdout}${result.stderr}`)?.[0] ?? 'wrk').trim();
}

/** report.lua, then the named scripts, as one file (wrk takes a single script). */
export function composeScript(dir: string, name: string, parts: readonly string[]): string {
  const text = ['report.lua', ...parts].map((part) => readFileSync(join(LUA_DIR, part), 'utf8')).join('\n');
  const file = join(dir, `${name}.lua`);
  writeFileSync(file, text);
  return file;
}

/** A Lua file returning { {path, etag}, ... }: what the scripts rotate over. */
export function writeTargets(file: string, targets: readonly { readonly path: string; readonly etag: string }[]): string {
  const lines = targets.map(({ path, etag }) => {
    // JSON string literals of printable ASCII are valid Lua string literals.
    if (!/^[\x20-\x7e]*$/.test(path + etag)) throw new Error(`Not printable ASCII: ${path} ${etag}`);
    return `  {${JSON.stringify(path)}, ${JSON.stringify(etag)}},`;
  });
  writeFileSync(file, `return {\n${lines.join('\n')}\n}\n`);
  return file;
}

export interface WrkRun {
  readonly wrk: string;
  readonly url: string;
  readonly script: string;
  readonly args: readonly string[];
  readonly threads: number;
  readonly connections: number;
  readonly durationS: number;
}

export interface WrkResult {
  readonly requests: number;
  readonly durationS: number;
  readonly bytes: number;
  readonly socketErrors: number;
  readonly timeouts: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly counters: Readonly<Record<string, number>>;
}

interface RawResult {
  requests: number;
  duration_us: number;
  bytes: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50_us: number;
  p99_us: number;
  max_us: number;
  statuses: Record<string, number>;
  counters: Record<string, number>;
}

export async function runWrk(run: WrkRun): Promise<WrkResult> {
  const duration = Math.max(1, Math.round(run.durationS));
  const args = [
    '-t', String(run.threads),
    '-c', String(run.connections),
    '-d', `${duration}s`,
    '--timeout', '5s',
    '-s', run.script,
    run.url,
    '--', ...run.args,
  ];
  const child = spawnPinned(run.wrk, args, { cpu: LOAD_CPU });
  const finished = await runToEnd(child, (duration + 30) * 1000, 'wrk');
  const line = /^WRK_RESULT (\{.*\})$/m.exec(finished.stdout)?.[1];
  if (finished.code !== 0 || line === undefined) {
    throw new Error(`wrk failed (exit ${finished.code}):\n${finished.stdout}\n${finished.stderr}`);
  }
  const raw = JSON.parse(line) as RawResult;
  return {
    requests: raw.requests,
    durationS: raw.duration_us / 1e6,
    bytes: raw.bytes,
    socketErrors: raw.connect + raw.read + raw.write,
    timeouts: raw.timeout,
    p50Ms: raw.p50_us / 1000,
    p99Ms: raw.p99_us / 1000,
    maxMs: raw.max_us / 1000,
    statuses: raw.statuses,
    counters: raw.counters,
  };
}

/** Answers whose status is not one of `expected`. */
export function unexpectedAnswers(result: WrkResult, expected: readonly number[]): number {
  let count = 0;
  for (const [status, n] of Object.entries(result.statuses)) if (!expected.includes(Number(status))) count += n;
  return count;
}
