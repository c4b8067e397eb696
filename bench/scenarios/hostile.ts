// Scenario hostile: p99 of small GETs (one wrk client) on a quiet server, then again while
// another client views and diffs pathological pages (a page of "[[", revisions of one repeated
// word that differ on every line). Goal: the hostile p99 ≤ 2 × the quiet p99 and ≤ 50 ms.
import { join } from 'node:path';
import { type BenchContext, roundLabel } from '../context.js';
import { createPages, pagePath } from '../pages.js';
import { type Measurement, median, type Row, type ScenarioResult } from '../results.js';
import { measured, startMidair } from '../servers.js';
import { composeScript, runWrk, unexpectedAnswers, writeTargets } from '../wrk.js';

/** Revisions of each pathological page: their diffs are pairs never computed before. */
const REVISIONS = 8;
const WORD_LINE = `${Array(250).fill('a').join(' ')}\n`;

async function put(base: string, name: string, text: string, etag: string | undefined): Promise<string> {
  const res = await fetch(`${base}${pagePath(name)}`, {
    method: 'PUT',
    headers: { 'content-type': 'text/markdown; charset=utf-8', ...(etag ? { 'if-match': etag } : { 'if-none-match': '*' }) },
    body: text,
  });
  await res.arrayBuffer();
  if (res.status !== 200 && res.status !== 201) throw new Error(`hostile: PUT ${name}: ${res.status}`);
  return res.headers.get('etag')!;
}

/** Pages whose views and diffs cost seconds of work each when done naively. */
async function seedHostilePages(base: string, scale: number): Promise<string[]> {
  const lines = Math.round(1900 * scale);
  let repeated: string | undefined;
  let brackets: string | undefined;
  for (let r = 0; r < REVISIONS; r++) {
    // Each revision differs on every line, so every diff pair compares everything.
    repeated = await put(base, 'hostile-repeated', WORD_LINE.replace('\n', ` ${'b '.repeat(r)}\n`).repeat(lines), repeated);
    brackets = await put(base, 'hostile-brackets', `${'[['.repeat(Math.round(480_000 * scale))}${r}`, brackets);
  }
  const paths: string[] = [];
  for (let from = 1; from <= REVISIONS; from++) {
    paths.push(`/wiki/hostile-brackets/revisions/${from}`);
    for (let to = from + 1; to <= REVISIONS; to++) paths.push(`/wiki/hostile-repeated/diff?from=${from}&to=${to}`);
  }
  return paths;
}

/** Requests the hostile paths, a few at a time, until `stop`; bounded in count by the paths. */
async function hostileClient(base: string, paths: readonly string[], stop: Promise<void>): Promise<{ answered: number; statuses: Record<string, number> }> {
  let stopped = false;
  void stop.then(() => (stopped = true));
  const statuses: Record<string, number> = {};
  let next = 0;
  let answered = 0;
  const lane = async () => {
    while (!stopped && next < paths.length) {
      const res = await fetch(`${base}${paths[next++]!}`).catch(() => undefined);
      await res?.arrayBuffer();
      const key = String(res?.status ?? 'error');
      statuses[key] = (statuses[key] ?? 0) + 1;
      answered++;
    }
  };
  await Promise.all([lane(), lane(), lane()]);
  return { answered, statuses };
}

export async function runHostile(ctx: BenchContext): Promise<ScenarioResult> {
  const { options } = ctx;
  const scale = options.smoke ? 0.1 : 1;
  const quiet: Measurement[] = [];
  const loud: Measurement[] = [];
  const hostileNotes: string[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    // A fresh server each round: nothing of the pathological pages is cached yet.
    const server = await startMidair('hostile', { main: ctx.midairMain });
    try {
      const small = await createPages(server.url, ['hostile-small'], 4096);
      // The wiki view of the small page, rendered once before measuring.
      await (await fetch(`${server.url}/wiki/hostile-small`)).arrayBuffer();
      const paths = await seedHostilePages(server.url, scale);
      const file = writeTargets(join(ctx.workDir, 'hostile.targets.lua'), [
        { path: '/wiki/hostile-small', etag: '' },
        { path: small[0]!.path, etag: '' },
      ]);
      const script = composeScript(ctx.workDir, 'hostile', ['rotating-get.lua']);
      const wrkRun = { wrk: ctx.wrk, url: server.url, script, args: [file, '-'], threads: 1, connections: 1, durationS: options.durationS };
      const measure = async (into: Measurement[], what: string) => {
        ctx.log(`hostile: small GETs, ${what}, ${roundLabel(ctx, round)}`);
        const { result, cpuSeconds, rssBytes } = await measured(server, () => runWrk(wrkRun));
        into.push({
          rps: result.requests / result.durationS,
          p50Ms: result.p50Ms,
          p99Ms: result.p99Ms,
          requests: result.requests,
          errors: unexpectedAnswers(result, [200]),
          ...(cpuSeconds === undefined ? {} : { cpuSeconds }),
          ...(rssBytes === undefined ? {} : { rssBytes }),
        });
      };
      await measure(quiet, 'quiet server');
      let release!: () => void;
      const stop = new Promise<void>((resolve) => (release = resolve));
      const hostile = hostileClient(server.url, paths, stop);
      await measure(loud, 'while pathological pages are viewed and diffed');
      release();
      const { answered, statuses } = await hostile;
      hostileNotes.push(`round ${round}: ${answered} hostile answers ${JSON.stringify(statuses)}`);
    } finally {
      await server.stop();
    }
  }
  const rows: Row[] = [
    { id: 'hostile-quiet', scenario: 'hostile', label: 'small GETs, quiet server', rounds: quiet },
    { id: 'hostile-loud', scenario: 'hostile', label: 'small GETs, pathological pages viewed and diffed meanwhile', rounds: loud, baselineId: 'hostile-quiet', notes: hostileNotes },
  ];
  const p99 = (rounds: readonly Measurement[]) => median(rounds.map((r) => r.p99Ms ?? 0));
  const [quietP99, loudP99] = [p99(quiet), p99(loud)];
  const met = loudP99 <= 2 * quietP99 && loudP99 <= 50;
  return {
    rows,
    details: [
      `hostile: p99 ${loudP99.toFixed(1)} ms under hostile load vs ${quietP99.toFixed(1)} ms quiet (${(loudP99 / quietP99).toFixed(2)}×): goal ≤ 2× and ≤ 50 ms ${met ? 'met' : 'NOT met'}.`,
      'hostile: one wrk connection GETs a 4 KiB page (wiki view and API) while three connections of another client view a page of "[[" and diff revisions of ~950 KB of one repeated word; goal: its p99 ≤ 2 × the quiet p99 and ≤ 50 ms.',
    ],
  };
}
