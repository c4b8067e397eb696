// What every scenario gets from the harness, and the one way a wrk round against a server
// becomes a Measurement.
import type { BenchOptions } from './options.js';
import type { Measurement } from './results.js';
import { measured, type ServerProcess } from './servers.js';
import { runWrk, unexpectedAnswers, type WrkResult, type WrkRun } from './wrk.js';

export interface Baseline extends ServerProcess {
  readonly etag: string;
}

export interface BenchContext {
  readonly options: BenchOptions;
  readonly wrk: string;
  /** The main.js of the build being measured. */
  readonly midairMain: string;
  /** A temporary folder for generated scripts and logs. */
  readonly workDir: string;
  log(line: string): void;
  /** The median 304 rate of 1 KiB pages, once scenario get304 has measured it. */
  max304Rps?: number;
}

export interface WrkRound {
  readonly measurement: Measurement;
  readonly wrk: WrkResult;
}

/** One wrk run against `server`, with its CPU time and RSS; `expected` are the statuses that count as answers. */
export async function wrkRound(server: ServerProcess, run: WrkRun, expected: readonly number[]): Promise<WrkRound> {
  const { result, cpuSeconds, rssBytes } = await measured(server, () => runWrk(run));
  const unexpected = unexpectedAnswers(result, expected);
  const measurement: Measurement = {
    rps: (result.requests - unexpected) / result.durationS,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    requests: result.requests,
    errors: unexpected + result.socketErrors + result.timeouts,
    ...(rssBytes === undefined ? {} : { rssBytes }),
    ...(cpuSeconds === undefined ? {} : { cpuSeconds }),
  };
  return { measurement, wrk: result };
}

/** Unmeasured load, so that the first round does not pay for JIT compilation and cold caches. */
export async function warmUp(ctx: BenchContext, run: Omit<WrkRun, 'durationS'>): Promise<void> {
  if (ctx.options.warmupS > 0) await runWrk({ ...run, durationS: ctx.options.warmupS });
}

export function roundLabel(ctx: BenchContext, round: number): string {
  return `round ${round}/${ctx.options.rounds}`;
}
