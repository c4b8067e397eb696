// Scenario contention: 50 writers doing read-modify-write appends on one page, retrying on 412
// (a Node client process on the load CPU). Goodput, the 412 rate, latency of an append from
// its first read to its acknowledgement, and a check that no acknowledged line is lost.
import { type BenchContext, roundLabel } from '../context.js';
import { createPage } from '../pages.js';
import { LOAD_CPU, runToEnd, spawnBenchScript } from '../processes.js';
import type { Measurement, ScenarioResult } from '../results.js';
import { measured, startMidair } from '../servers.js';

interface ContentionReport {
  writes: number;
  seconds: number;
  requests: number;
  conflicts: number;
  conflictRate: number;
  otherFailures: number;
  abandoned: number;
  lost: number;
  duplicated: number;
  finalStatus: number;
  appendP50Ms: number;
  appendP99Ms: number;
  putP99Ms: number;
}

export async function runContention(ctx: BenchContext): Promise<ScenarioResult> {
  const { options } = ctx;
  const server = await startMidair('contention', { main: ctx.midairMain });
  try {
    const rounds: Measurement[] = [];
    const reports: ContentionReport[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      // A fresh page each round, so that every round starts from an empty page.
      const page = `contention-${round}`;
      const created = await createPage(server.url, page, '# Contention\n');
      if (created.status !== 201) throw new Error(`contention: creating ${page}: ${created.status}`);
      ctx.log(`contention: ${options.writers} writers on one page, ${roundLabel(ctx, round)}`);
      const { result: report, cpuSeconds, rssBytes } = await measured(server, async () => {
        const child = spawnBenchScript(
          'contention-client.ts',
          ['--url', server.url, '--page', page, '--writers', String(options.writers), '--duration', String(options.durationS)],
          { cpu: LOAD_CPU },
        );
        const done = await runToEnd(child, (options.durationS + 60) * 1000, 'the contention client');
        const line = /^CONTENTION_RESULT (\{.*\})$/m.exec(done.stdout)?.[1];
        if (done.code !== 0 || line === undefined) throw new Error(`contention client failed (exit ${done.code}):\n${done.stdout}\n${done.stderr}`);
        return JSON.parse(line) as ContentionReport;
      });
      reports.push(report);
      rounds.push({
        rps: report.writes / report.seconds,
        p50Ms: report.appendP50Ms,
        p99Ms: report.appendP99Ms,
        requests: report.requests,
        errors: report.otherFailures + report.abandoned + report.lost + report.duplicated,
        ...(cpuSeconds === undefined ? {} : { cpuSeconds }),
        ...(rssBytes === undefined ? {} : { rssBytes }),
      });
    }
    const writes = reports.reduce((sum, r) => sum + r.writes, 0);
    const lost = reports.reduce((sum, r) => sum + r.lost, 0);
    const duplicated = reports.reduce((sum, r) => sum + r.duplicated, 0);
    const conflictRates = reports.map((r) => `${(100 * r.conflictRate).toFixed(0)}%`).join(', ');
    const putP99 = reports.map((r) => r.putP99Ms.toFixed(1)).join(', ');
    const verdict = lost === 0 && duplicated === 0 ? 'no acknowledged line lost' : `${lost} acknowledged lines LOST, ${duplicated} duplicated`;
    return {
      rows: [
        {
          id: 'contention',
          scenario: 'contention',
          label: `${options.writers} writers, one page (goodput)`,
          rounds,
          notes: [`412 rate ${conflictRates}`, `${verdict} (${writes} checked)`],
        },
      ],
      details: [
        `contention: requests/s is successful appends per second; p50/p99 is an append from its first GET to its 200, retries included; PUT request p99 per round: ${putP99} ms; CPU µs/req is per HTTP request (GET or PUT).`,
        `contention: ${verdict} — ${writes} acknowledged appends checked against the final page.`,
      ],
    };
  } finally {
    await server.stop();
  }
}
