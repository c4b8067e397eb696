// Scenario get200: plain GETs of 4 KiB pages, rotating over the pages, without and with
// Accept-Encoding: gzip, next to a Fastify route that sends a constant 4 KiB body.
import { join } from 'node:path';
import { type BenchContext, roundLabel, warmUp, wrkRound } from '../context.js';
import { assertSameFields } from '../header-parity.js';
import { createPages, names } from '../pages.js';
import type { Measurement, Row, ScenarioResult } from '../results.js';
import { startMidair } from '../servers.js';
import { composeScript, writeTargets } from '../wrk.js';

const PAGE_BYTES = 4096;

export async function runPlainGet(ctx: BenchContext): Promise<ScenarioResult> {
  const { options } = ctx;
  const server = await startMidair('get200', { main: ctx.midairMain });
  const baseline = await ctx.baseline();
  try {
    ctx.log(`get200: creating ${options.pages} pages of 4 KiB`);
    const pages = await createPages(server.url, names('p4k', options.pages), PAGE_BYTES);
    const first = pages[0]!;
    await assertSameFields(200, { url: server.url, name: first.name, headers: {} }, { url: baseline.url, name: first.name, headers: {} });
    // No If-None-Match: every answer is a 200 with the body.
    const file = writeTargets(join(ctx.workDir, 'get200.targets.lua'), pages.map((p) => ({ path: p.path, etag: '' })));
    const script = composeScript(ctx.workDir, 'get200', ['rotating-get.lua']);
    const common = { wrk: ctx.wrk, script, threads: 1, connections: options.connections };
    const targets = [
      { id: 'get200-base', label: 'baseline: constant 4 KiB', server: baseline, run: { ...common, url: baseline.url, args: [file, '-'] } },
      { id: 'get200-identity', label: '4 KiB pages', server, run: { ...common, url: server.url, args: [file, '-'] } },
      { id: 'get200-gzip', label: '4 KiB pages, Accept-Encoding: gzip', server, run: { ...common, url: server.url, args: [file, 'gzip'] } },
    ];

    for (const target of targets) await warmUp(ctx, target.run);
    const rounds = new Map<string, Measurement[]>(targets.map((t) => [t.id, []]));
    const bytesPerAnswer = new Map<string, number>();
    for (let round = 1; round <= options.rounds; round++) {
      for (const target of targets) {
        ctx.log(`get200: ${target.label}, ${roundLabel(ctx, round)}`);
        const { measurement, wrk } = await wrkRound(target.server, { ...target.run, durationS: options.durationS }, [200]);
        rounds.get(target.id)!.push(measurement);
        if (wrk.requests > 0) bytesPerAnswer.set(target.id, wrk.bytes / wrk.requests);
      }
    }

    const rows: Row[] = targets.map((t) => ({
      id: t.id,
      scenario: 'get200',
      label: t.label,
      rounds: rounds.get(t.id)!,
      ...(t.id === 'get200-base' ? {} : { baselineId: 'get200-base' }),
      // The size on the wire shows whether the coding was applied.
      notes: [`${Math.round(bytesPerAnswer.get(t.id) ?? 0)} B/answer`],
    }));
    return { rows, details: ['get200: the baseline ignores Accept-Encoding and always sends its 4 KiB identity body.'] };
  } finally {
    await server.stop();
  }
}
