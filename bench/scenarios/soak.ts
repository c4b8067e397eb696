// Scenario soak: conditional GETs (304) at half the measured maximum rate for 60 s, with the
// server's RSS sampled every few seconds. wrk2 is not packaged, so the rate is held by wrk's
// delay(): each connection waits a fixed time after every answer; the achieved rate is reported.
import { join } from 'node:path';
import { type BenchContext, wrkRound } from '../context.js';
import { createPages, names } from '../pages.js';
import { residentBytes } from '../processes.js';
import { median, type ScenarioResult } from '../results.js';
import { startMidair } from '../servers.js';
import { composeScript, runWrk, writeTargets } from '../wrk.js';

// Each connection sends about one request per period; with enough connections that is the rate.
const PERIOD_MS = 50;
const MAX_CONNECTIONS = 500;
// RSS may rise while the JIT, caches and buffers settle; growth is judged after this.
const SETTLE_FRACTION = 0.2;
// A shorter soak (the smoke run) shows only warm-up.
const MIN_JUDGED_S = 20;

const MiB = 2 ** 20;

export interface RssVerdict {
  readonly bounded: boolean;
  readonly text: string;
}

/**
 * Unbounded growth shows as the last third of the samples sitting well above the first third
 * after settling: more than 10% and 8 MiB higher. The slope is reported either way.
 */
export function judgeRss(samples: readonly { t: number; rss: number }[]): RssVerdict {
  const seconds = samples.at(-1)?.t ?? 0;
  if (seconds < MIN_JUDGED_S) return { bounded: true, text: `too short to judge growth (${seconds.toFixed(0)} s)` };
  const settled = samples.filter((s) => s.t >= (samples.at(-1)?.t ?? 0) * SETTLE_FRACTION);
  if (settled.length < 3) return { bounded: true, text: 'too few samples to judge' };
  const third = Math.max(1, Math.floor(settled.length / 3));
  const early = median(settled.slice(0, third).map((s) => s.rss));
  const late = median(settled.slice(-third).map((s) => s.rss));
  const n = settled.length;
  const meanT = settled.reduce((a, s) => a + s.t, 0) / n;
  const meanR = settled.reduce((a, s) => a + s.rss, 0) / n;
  const slope = settled.reduce((a, s) => a + (s.t - meanT) * (s.rss - meanR), 0) / (settled.reduce((a, s) => a + (s.t - meanT) ** 2, 0) || 1);
  const perMinute = (slope * 60) / MiB;
  const bounded = late <= early * 1.1 + 8 * MiB;
  const trend = `${perMinute >= 0 ? '+' : ''}${perMinute.toFixed(1)} MiB/min after settling`;
  return {
    bounded,
    text: bounded ? `no unbounded growth (${trend})` : `RSS GROWS: ${(early / MiB).toFixed(0)} → ${(late / MiB).toFixed(0)} MiB (${trend})`,
  };
}

export async function runSoak(ctx: BenchContext): Promise<ScenarioResult> {
  const { options } = ctx;
  const server = await startMidair('soak', { main: ctx.midairMain });
  try {
    ctx.log(`soak: creating ${options.pages} pages of 1 KiB`);
    const pages = await createPages(server.url, names('soak', options.pages), 1024);
    const file = writeTargets(join(ctx.workDir, 'soak.targets.lua'), pages);
    const common = { wrk: ctx.wrk, url: server.url, threads: 1, args: [file, '-'] };

    let maximum = ctx.max304Rps;
    if (maximum === undefined) {
      ctx.log('soak: measuring the maximum 304 rate first (scenario get304 did not run)');
      const probe = await runWrk({ ...common, script: composeScript(ctx.workDir, 'soak-probe', ['rotating-get.lua']), connections: options.connections, durationS: Math.max(2, options.durationS / 2) });
      maximum = probe.requests / probe.durationS;
    }
    const rate = maximum / 2;
    const connections = Math.min(MAX_CONNECTIONS, Math.max(1, Math.round((rate * PERIOD_MS) / 1000)));
    const paceMs = Math.max(0, Math.round((connections * 1000) / rate));
    const script = composeScript(ctx.workDir, 'soak', ['rotating-get.lua', 'pace.lua']);

    ctx.log(`soak: ${options.soakS} s at ${Math.round(rate)} requests/s (${connections} connections, ${paceMs} ms apart)`);
    const samples: { t: number; rss: number }[] = [];
    const started = performance.now();
    const sample = () => {
      const rss = residentBytes(server.pid);
      if (rss !== undefined) samples.push({ t: (performance.now() - started) / 1000, rss });
    };
    sample();
    const timer = setInterval(sample, Math.min(2000, Math.max(250, (options.soakS * 1000) / 30)));
    let round;
    try {
      round = await wrkRound(server, { ...common, script, connections, durationS: options.soakS, args: [file, '-', String(paceMs)] }, [304]);
    } finally {
      clearInterval(timer);
    }
    sample();

    const verdict = judgeRss(samples);
    const rss = samples.map((s) => s.rss / MiB);
    const start = rss[0] ?? 0;
    const end = rss.at(-1) ?? 0;
    const max = Math.max(...rss);
    const achieved = round.measurement.rps;
    const errors = round.measurement.errors;
    const rssText = `RSS start ${start.toFixed(0)} / end ${end.toFixed(0)} / max ${max.toFixed(0)} MiB`;
    return {
      rows: [
        {
          id: 'soak',
          scenario: 'soak',
          label: `${options.soakS} s of 304s at ½ the maximum`,
          rounds: [round.measurement],
          notes: [`target ${Math.round(rate)}/s`, rssText, verdict.text, errors === 0 ? 'no errors' : `${errors} ERRORS`],
        },
      ],
      details: [
        `soak: ${options.soakS} s at ${Math.round(achieved)} requests/s (target ${Math.round(rate)}, half of ${Math.round(maximum)}); ${rssText} over ${samples.length} samples; ${verdict.text}; ${errors} errors.`,
      ],
    };
  } finally {
    await server.stop();
  }
}
