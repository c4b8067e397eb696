// Rounds of read load in which every round runs against server processes of its own.
//
// A JIT-compiled server's speed is partly a property of the process. On the development
// machine the same baseline, started twice and measured in alternation for 20 s, ran one
// process 18% slower than the other for its whole life, while rounds within one process
// agreed within 3%: what V8 optimised, and with which feedback, depends on timing, and a
// pinned server's compiler thread shares its one CPU. A run that starts each server once
// measures that lottery once, and its ratio can land anywhere in it. So each round starts
// midair and the baseline afresh (midair on the data it was seeded with), warms them up,
// measures every target once, and stops them; the ratio of a round compares processes that
// ran side by side in time, and the median over rounds samples the lottery.
import { type Baseline, type BenchContext, roundLabel, warmUp, wrkRound } from './context.js';
import type { Measurement } from './results.js';
import type { ServerProcess } from './servers.js';
import type { WrkRun } from './wrk.js';

export interface ServerPair {
  readonly midair: ServerProcess;
  readonly baseline: Baseline;
}

export interface LoadTarget {
  readonly id: string;
  readonly label: string;
  /** The run against the round's servers, without its duration. */
  readonly run: (servers: ServerPair) => Omit<WrkRun, 'durationS'> & { readonly server: ServerProcess };
}

export interface FreshRounds {
  readonly scenario: string;
  /** Starts both servers for a round. */
  readonly start: () => Promise<ServerPair>;
  readonly targets: readonly LoadTarget[];
  /** The statuses that count as answers. */
  readonly expected: readonly number[];
  /** Runs once, before the first round measures (e.g. the header-parity check). */
  readonly beforeFirst?: (servers: ServerPair) => Promise<void>;
  /** Sees each measured round (e.g. bytes per answer). */
  readonly onRound?: (targetId: string, wrk: { readonly requests: number; readonly bytes: number }) => void;
}

/** The rounds' measurements, by target id. */
export async function measureInFreshProcesses(ctx: BenchContext, plan: FreshRounds): Promise<Map<string, Measurement[]>> {
  const rounds = new Map<string, Measurement[]>(plan.targets.map((t) => [t.id, []]));
  for (let round = 1; round <= ctx.options.rounds; round++) {
    ctx.log(`${plan.scenario}: ${roundLabel(ctx, round)}: starting midair and the baseline afresh`);
    const servers = await plan.start();
    try {
      if (round === 1) await plan.beforeFirst?.(servers);
      const runs = plan.targets.map((target) => ({ target, run: target.run(servers) }));
      for (const { run } of runs) await warmUp(ctx, run);
      for (const { target, run } of runs) {
        ctx.log(`${plan.scenario}: ${target.label}, ${roundLabel(ctx, round)}`);
        const { measurement, wrk } = await wrkRound(run.server, { ...run, durationS: ctx.options.durationS }, plan.expected);
        rounds.get(target.id)!.push(measurement);
        plan.onRound?.(target.id, wrk);
      }
    } finally {
      await Promise.all([servers.midair.stop(), servers.baseline.stop()]);
    }
  }
  return rounds;
}
