// Scenario get304: conditional GETs answered 304, rotating over the pages with each page's
// current ETag in If-None-Match, for 1 KiB, 64 KiB and 1 MiB pages, next to a Fastify route
// that answers a constant 304. A 304 should cost the same whatever the page size.
import { join } from 'node:path';
import { type BenchContext, roundLabel, warmUp, wrkRound } from '../context.js';
import { assertSameFields } from '../header-parity.js';
import { createPages, names } from '../pages.js';
import { type Measurement, median, type Row, type ScenarioResult } from '../results.js';
import { startMidair } from '../servers.js';
import { composeScript, writeTargets } from '../wrk.js';

const SIZES = [
  { id: 'get304-1k', label: '1 KiB pages', prefix: 'p1k', bytes: 1024 },
  { id: 'get304-64k', label: '64 KiB pages', prefix: 'p64k', bytes: 64 * 1024 },
  { id: 'get304-1m', label: '1 MiB pages', prefix: 'p1m', bytes: 1024 * 1024 },
] as const;

export async function runConditionalGet(ctx: BenchContext): Promise<ScenarioResult> {
  const { options } = ctx;
  // 1 MiB pages need a body limit above the default 1 MiB (headers and all).
  const server = await startMidair('get304', { main: ctx.midairMain, bodyLimit: '2MiB' });
  const baseline = await ctx.baseline();
  try {
    const script = composeScript(ctx.workDir, 'get304', ['rotating-get.lua']);
    const common = { wrk: ctx.wrk, script, threads: 1, connections: options.connections };
    const seeded = [];
    for (const size of SIZES) {
      ctx.log(`get304: creating ${options.pages} pages of ${size.label}`);
      const pages = await createPages(server.url, names(size.prefix, options.pages), size.bytes, size.bytes > 64 * 1024 ? 4 : 8);
      seeded.push({ ...size, pages });
    }
    const first = seeded[0]!.pages[0]!;
    await assertSameFields(304, { url: server.url, name: first.name, headers: { 'if-none-match': first.etag } }, { url: baseline.url, name: first.name, headers: { 'if-none-match': baseline.etag } });
    // The baseline gets the same paths, each with its constant ETag.
    const basePaths = seeded[0]!.pages.map((p) => ({ path: p.path, etag: baseline.etag }));
    const targets = [
      { id: 'get304-base', label: 'baseline: constant 304', server: baseline, targets: basePaths },
      ...seeded.map((size) => ({ id: size.id, label: size.label, server, targets: size.pages })),
    ].map((t) => ({ ...t, run: { ...common, url: t.server.url, args: [writeTargets(join(ctx.workDir, `${t.id}.targets.lua`), t.targets), '-'] } }));

    for (const target of targets) await warmUp(ctx, target.run);
    const rounds = new Map<string, Measurement[]>(targets.map((t) => [t.id, []]));
    // Rounds interleave the targets, so that a slow spell of the machine hits them all alike.
    for (let round = 1; round <= options.rounds; round++) {
      for (const target of targets) {
        ctx.log(`get304: ${target.label}, ${roundLabel(ctx, round)}`);
        const { measurement } = await wrkRound(target.server, { ...target.run, durationS: options.durationS }, [304]);
        rounds.get(target.id)!.push(measurement);
      }
    }

    const rows: Row[] = targets.map((t) => ({
      id: t.id,
      scenario: 'get304',
      label: t.label,
      rounds: rounds.get(t.id)!,
      ...(t.id === 'get304-base' ? {} : { baselineId: 'get304-base' }),
    }));
    ctx.max304Rps = median(rounds.get('get304-1k')!.map((m) => m.rps));
    return { rows, details: [] };
  } finally {
    await server.stop();
  }
}
