// Scenario get200: plain GETs of 4 KiB pages, rotating over the pages, without and with
// Accept-Encoding: gzip, next to a Fastify route that sends a constant 4 KiB body.
import { join } from 'node:path';
import type { BenchContext } from '../context.js';
import { measureInFreshProcesses, type ServerPair } from '../fresh-rounds.js';
import { assertSameFields } from '../header-parity.js';
import { createPages, names } from '../pages.js';
import type { Row, ScenarioResult } from '../results.js';
import { startBaseline, startMidair } from '../servers.js';
import { composeScript, writeTargets } from '../wrk.js';

const PAGE_BYTES = 4096;

export async function runPlainGet(ctx: BenchContext): Promise<ScenarioResult> {
  const { options } = ctx;
  // The pages are created by a process of their own; every measured process then serves them.
  const seeder = await startMidair('get200', { main: ctx.midairMain });
  let pages;
  try {
    ctx.log(`get200: creating ${options.pages} pages of 4 KiB`);
    pages = await createPages(seeder.url, names('p4k', options.pages), PAGE_BYTES);
  } finally {
    await seeder.stop();
  }
  const first = pages[0]!;
  // No If-None-Match: every answer is a 200 with the body.
  const file = writeTargets(join(ctx.workDir, 'get200.targets.lua'), pages.map((p) => ({ path: p.path, etag: '' })));
  const script = composeScript(ctx.workDir, 'get200', ['rotating-get.lua']);
  const common = { wrk: ctx.wrk, script, threads: 1, connections: options.connections };
  const targets = [
    { id: 'get200-base', label: 'baseline: constant 4 KiB', run: ({ baseline }: ServerPair) => ({ ...common, server: baseline, url: baseline.url, args: [file, '-'] }) },
    { id: 'get200-identity', label: '4 KiB pages', run: ({ midair }: ServerPair) => ({ ...common, server: midair, url: midair.url, args: [file, '-'] }) },
    { id: 'get200-gzip', label: '4 KiB pages, Accept-Encoding: gzip', run: ({ midair }: ServerPair) => ({ ...common, server: midair, url: midair.url, args: [file, 'gzip'] }) },
  ];

  const bytesPerAnswer = new Map<string, number>();
  const rounds = await measureInFreshProcesses(ctx, {
    scenario: 'get200',
    start: async () => {
      const [midair, baseline] = await Promise.all([startMidair('get200', { main: ctx.midairMain, dataDir: seeder.dataDir }), startBaseline()]);
      return { midair, baseline };
    },
    beforeFirst: ({ midair, baseline }) => assertSameFields(200, { url: midair.url, name: first.name, headers: {} }, { url: baseline.url, name: first.name, headers: {} }),
    targets,
    expected: [200],
    onRound: (id, wrk) => {
      if (wrk.requests > 0) bytesPerAnswer.set(id, wrk.bytes / wrk.requests);
    },
  });

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
}
