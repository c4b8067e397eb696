// Scenario views: the wiki's HTML page view, GET /wiki/{name}, of 4 KiB Markdown pages that
// link to other pages (two that exist, one that does not), rotating over the pages: a plain 200,
// a 200 as a browser asks (Accept-Encoding, so midair sends its cached br variant), and the
// 304 a browser's reload gets (Accept-Encoding and the ETag of the variant it was given), next
// to a Fastify route that sends a constant HTML page of the same size (or a constant 304) with
// the same header fields.
import { join } from 'node:path';
import type { BenchContext } from '../context.js';
import { measureInFreshProcesses, type ServerPair } from '../fresh-rounds.js';
import { assertSameFields } from '../header-parity.js';
import { createPages, currentEtags, getPath, names, pageContent, type SeededPage } from '../pages.js';
import type { Row, ScenarioResult } from '../results.js';
import { startBaseline, startMidair } from '../servers.js';
import { composeScript, writeTargets } from '../wrk.js';

const PAGE_BYTES = 4096;
const BROWSER_ACCEPT_ENCODING = 'gzip, deflate, br';

/** 4 KiB of Markdown whose first lines link to its neighbours and to a page nobody wrote. */
function linkedPage(all: readonly string[]): (name: string) => string {
  return (name) => {
    const i = all.indexOf(name);
    const links = `See [[${all[(i + 1) % all.length]}]], [[${all[(i + all.length - 1) % all.length]}]] and [[${name} notes]].\n\n`;
    const page = pageContent(name, PAGE_BYTES);
    const cut = page.indexOf('\n\n') + 2;
    return (page.slice(0, cut) + links + page.slice(cut)).slice(0, PAGE_BYTES);
  };
}

function wikiPages(pages: readonly SeededPage[]): SeededPage[] {
  return pages.map((p) => ({ ...p, path: `/wiki/${encodeURIComponent(p.name)}` }));
}

export async function runWikiViews(ctx: BenchContext): Promise<ScenarioResult> {
  const { options } = ctx;
  const all = names('w4k', options.pages);
  // The pages are created by a process of their own; every measured process then serves them.
  const seeder = await startMidair('views', { main: ctx.midairMain });
  let views: SeededPage[];
  let browserTags: SeededPage[];
  let htmlBytes: number;
  try {
    ctx.log(`views: creating ${options.pages} pages of 4 KiB with wiki links`);
    views = wikiPages(await createPages(seeder.url, all, PAGE_BYTES, 8, linkedPage(all)));
    // The HTML tags are hashes of the bytes, the same in every process that renders the page.
    views = await currentEtags(seeder.url, views);
    browserTags = await currentEtags(seeder.url, views, BROWSER_ACCEPT_ENCODING);
    const first = await getPath(seeder.url, views[0]!.path);
    htmlBytes = Buffer.byteLength(first.body, 'utf8');
  } finally {
    await seeder.stop();
  }
  const first = views[0]!;
  const file = (id: string, targets: readonly { path: string; etag: string }[]) => writeTargets(join(ctx.workDir, `${id}.targets.lua`), targets);
  const plainFile = file('views-200', views.map((p) => ({ path: p.path, etag: '' })));
  const etagFile = file('views-304', views);
  const browserFile = file('views-304-browser', browserTags);
  let base304File: string | undefined;
  const script = composeScript(ctx.workDir, 'views', ['rotating-get.lua']);
  const common = { wrk: ctx.wrk, script, threads: 1, connections: options.connections };
  const onMidair = (file: string, coding: string) => ({ midair }: ServerPair) => ({ ...common, server: midair, url: midair.url, args: [file, coding] });
  const onBaseline = (file: () => string) => ({ baseline }: ServerPair) => ({ ...common, server: baseline, url: baseline.url, args: [file(), '-'] });
  const ok200 = [
    { id: 'views-200-base', label: `baseline: constant ${htmlBytes} B HTML page`, run: onBaseline(() => plainFile) },
    { id: 'views-200', label: 'page view 200', run: onMidair(plainFile, '-') },
    { id: 'views-200-browser', label: `page view 200, Accept-Encoding: ${BROWSER_ACCEPT_ENCODING}`, run: onMidair(plainFile, BROWSER_ACCEPT_ENCODING) },
  ];
  const ok304 = [
    { id: 'views-304-base', label: 'baseline: constant 304', run: onBaseline(() => base304File!) },
    { id: 'views-304', label: 'page view 304', run: onMidair(etagFile, '-') },
    { id: 'views-304-browser', label: 'page view 304, as a browser revalidates', run: onMidair(browserFile, BROWSER_ACCEPT_ENCODING) },
  ];

  const start = async () => {
    const [midair, baseline] = await Promise.all([startMidair('views', { main: ctx.midairMain, dataDir: seeder.dataDir }), startBaseline(htmlBytes)]);
    // Every page viewed once, as on a server that has been up a while: the first view of a
    // page renders its Markdown in the render pool, which a cold start under 50 connections
    // would overflow (503). The tags must be the seeder's: they hash the page's bytes.
    const primed = await currentEtags(midair.url, views);
    const moved = primed.find((p, i) => p.etag !== views[i]!.etag);
    if (moved) throw new Error(`views: ${moved.path} has the tag ${moved.etag} in a fresh process, not the seeder's`);
    base304File ??= file('views-304-base', views.map((p) => ({ path: p.path, etag: baseline.etag })));
    return { midair, baseline };
  };
  const bytesPerAnswer = new Map<string, number>();
  const onRound = (id: string, wrk: { readonly requests: number; readonly bytes: number }) => {
    if (wrk.requests > 0) bytesPerAnswer.set(id, wrk.bytes / wrk.requests);
  };
  const rounds200 = await measureInFreshProcesses(ctx, {
    scenario: 'views 200',
    start,
    beforeFirst: ({ midair, baseline }) => assertSameFields(200, { url: midair.url, name: first.name, path: first.path, headers: {} }, { url: baseline.url, name: first.name, path: first.path, headers: {} }),
    targets: ok200,
    expected: [200],
    onRound,
  });
  const rounds304 = await measureInFreshProcesses(ctx, {
    scenario: 'views 304',
    start,
    beforeFirst: ({ midair, baseline }) =>
      assertSameFields(
        304,
        { url: midair.url, name: first.name, path: first.path, headers: { 'if-none-match': browserTags[0]!.etag, 'accept-encoding': BROWSER_ACCEPT_ENCODING } },
        { url: baseline.url, name: first.name, path: first.path, headers: { 'if-none-match': baseline.etag } },
      ),
    targets: ok304,
    expected: [304],
    onRound,
  });

  const rowsOf = (targets: typeof ok200, rounds: typeof rounds200, baseId: string): Row[] =>
    targets.map((t) => ({
      id: t.id,
      scenario: 'views',
      label: t.label,
      rounds: rounds.get(t.id)!,
      ...(t.id === baseId ? {} : { baselineId: baseId }),
      notes: [`${Math.round(bytesPerAnswer.get(t.id) ?? 0)} B/answer`],
    }));
  return {
    rows: [...rowsOf(ok200, rounds200, 'views-200-base'), ...rowsOf(ok304, rounds304, 'views-304-base')],
    details: [
      `views: ${options.pages} pages of ${PAGE_BYTES} B of Markdown, each linking to two pages that exist and one that does not; the page view is ${htmlBytes} B of HTML. The baseline ignores Accept-Encoding.`,
    ],
  };
}
