// Scenario get304: conditional GETs answered 304, rotating over the pages with each page's
// current ETag in If-None-Match, for 1 KiB, 64 KiB and 1 MiB pages, next to a Fastify route
// that answers a constant 304. A 304 should cost the same whatever the page size. One more row
// revalidates as a browser does: it sends Accept-Encoding, and the tag of the coded variant it
// was given, so the 304 also negotiates the coding.
import { join } from 'node:path';
import type { BenchContext } from '../context.js';
import { measureInFreshProcesses, type ServerPair } from '../fresh-rounds.js';
import { assertSameFields } from '../header-parity.js';
import { createPages, currentEtags, names, type SeededPage } from '../pages.js';
import { median, type Row, type ScenarioResult } from '../results.js';
import { startBaseline, startMidair } from '../servers.js';
import { composeScript, writeTargets } from '../wrk.js';

const SIZES = [
  { id: 'get304-1k', label: '1 KiB pages', prefix: 'p1k', bytes: 1024 },
  { id: 'get304-64k', label: '64 KiB pages', prefix: 'p64k', bytes: 64 * 1024 },
  { id: 'get304-1m', label: '1 MiB pages', prefix: 'p1m', bytes: 1024 * 1024 },
] as const;

/** What Chromium and Firefox send; 1 KiB pages are large enough to be coded (br). */
const BROWSER_ACCEPT_ENCODING = 'gzip, deflate, br';

// 1 MiB pages need a body limit above the default 1 MiB (headers and all).
const BODY_LIMIT = '2MiB';

export async function runConditionalGet(ctx: BenchContext): Promise<ScenarioResult> {
  const { options } = ctx;
  // The pages are created by a process of their own; every measured process then serves them.
  const seeder = await startMidair('get304', { main: ctx.midairMain, bodyLimit: BODY_LIMIT });
  const seeded: ((typeof SIZES)[number] & { pages: SeededPage[] })[] = [];
  let browserTags: SeededPage[];
  try {
    for (const size of SIZES) {
      ctx.log(`get304: creating ${options.pages} pages of ${size.label}`);
      const pages = await createPages(seeder.url, names(size.prefix, options.pages), size.bytes, size.bytes > 64 * 1024 ? 4 : 8);
      seeded.push({ ...size, pages });
    }
    browserTags = await currentEtags(seeder.url, seeded[0]!.pages, BROWSER_ACCEPT_ENCODING);
  } finally {
    await seeder.stop();
  }

  const script = composeScript(ctx.workDir, 'get304', ['rotating-get.lua']);
  const common = { wrk: ctx.wrk, script, threads: 1, connections: options.connections };
  const targetsFile = (id: string, targets: readonly { path: string; etag: string }[]) => writeTargets(join(ctx.workDir, `${id}.targets.lua`), targets);
  const midairTargets = [
    ...seeded.map((size) => ({ id: size.id, label: size.label, file: targetsFile(size.id, size.pages), coding: '-' })),
    { id: 'get304-1k-browser', label: `1 KiB pages, as a browser asks (Accept-Encoding: ${BROWSER_ACCEPT_ENCODING})`, file: targetsFile('get304-1k-browser', browserTags), coding: BROWSER_ACCEPT_ENCODING },
  ];
  const first = seeded[0]!.pages[0]!;
  let baseFile: string | undefined;

  const rounds = await measureInFreshProcesses(ctx, {
    scenario: 'get304',
    start: async () => {
      const [midair, baseline] = await Promise.all([startMidair('get304', { main: ctx.midairMain, bodyLimit: BODY_LIMIT, dataDir: seeder.dataDir }), startBaseline()]);
      // The baseline gets the same paths, each with its constant ETag.
      baseFile ??= targetsFile('get304-base', seeded[0]!.pages.map((p) => ({ path: p.path, etag: baseline.etag })));
      return { midair, baseline };
    },
    beforeFirst: ({ midair, baseline }) =>
      assertSameFields(304, { url: midair.url, name: first.name, headers: { 'if-none-match': first.etag } }, { url: baseline.url, name: first.name, headers: { 'if-none-match': baseline.etag } }),
    targets: [
      { id: 'get304-base', label: 'baseline: constant 304', run: ({ baseline }) => ({ ...common, server: baseline, url: baseline.url, args: [baseFile!, '-'] }) },
      ...midairTargets.map((t) => ({ id: t.id, label: t.label, run: ({ midair }: ServerPair) => ({ ...common, server: midair, url: midair.url, args: [t.file, t.coding] }) })),
    ],
    expected: [304],
  });

  const rows: Row[] = [{ id: 'get304-base', label: 'baseline: constant 304' }, ...midairTargets].map((t) => ({
    id: t.id,
    scenario: 'get304',
    label: t.label,
    rounds: rounds.get(t.id)!,
    ...(t.id === 'get304-base' ? {} : { baselineId: 'get304-base' }),
  }));
  ctx.max304Rps = median(rounds.get('get304-1k')!.map((m) => m.rps));
  return { rows, details: [] };
}
