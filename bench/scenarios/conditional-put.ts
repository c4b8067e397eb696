// Scenario put: conditional PUTs (If-Match: the current ETag) to distinct pages, each wrk
// connection writing its own pages, on SQLite (synchronous=FULL) and on PostgreSQL. Next to
// them, in the same run: the store's own compare-and-swap ceiling in-process (one awaited put
// at a time, one transaction per write), and for PostgreSQL pgbench running the same UPDATE
// with the same number of clients.
import { join } from 'node:path';
import { type BenchContext, roundLabel, wrkRound } from '../context.js';
import { createPages, currentEtags, names, type SeededPage } from '../pages.js';
import { channelName } from '../../src/storage/postgres/driver.js';
import { Admin, pgbenchPath, resetPgbenchPages, runPgbench, unreachableReason, urlWithSchema, wholeWriteScript } from '../postgres.js';
import { runToEnd, SERVER_CPU, spawnBenchScript, tempDir } from '../processes.js';
import { type Measurement, ratio, type Row, type ScenarioResult } from '../results.js';
import { type ServerProcess, startMidair } from '../servers.js';
import { composeScript, writeTargets } from '../wrk.js';

const PAGE_BYTES = 1024;

interface CeilingReport {
  writes: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  conflicts: number;
  cpuSeconds: number;
  rssBytes: number;
}

/** One round of the in-process ceiling, in a process of its own on the server CPU. */
async function ceilingRound(ctx: BenchContext, args: readonly string[]): Promise<Measurement> {
  const child = spawnBenchScript('store-ceiling.ts', [...args, '--bytes', String(PAGE_BYTES), '--duration', String(ctx.options.durationS)], { cpu: SERVER_CPU });
  const done = await runToEnd(child, (ctx.options.durationS + 60) * 1000, 'the store ceiling');
  const line = /^CEILING_RESULT (\{.*\})$/m.exec(done.stdout)?.[1];
  if (done.code !== 0 || line === undefined) throw new Error(`store-ceiling failed (exit ${done.code}):\n${done.stdout}\n${done.stderr}`);
  const r = JSON.parse(line) as CeilingReport;
  return { rps: r.writes / r.seconds, p50Ms: r.p50Ms, p99Ms: r.p99Ms, requests: r.writes + r.conflicts, errors: r.conflicts, cpuSeconds: r.cpuSeconds, rssBytes: r.rssBytes };
}

interface PutTotals {
  ok: number;
  conflicts: number;
  other: number;
}

/** One wrk round of conditional PUTs; the pages' ETags are read again first (the last round moved them). */
async function putRound(ctx: BenchContext, server: ServerProcess, pages: readonly SeededPage[], connections: number, totals: PutTotals, tag: string): Promise<Measurement> {
  const current = await currentEtags(server.url, pages);
  const targets = writeTargets(join(ctx.workDir, `${tag}.targets.lua`), current);
  const script = composeScript(ctx.workDir, 'put', ['conditional-put.lua']);
  const run = {
    wrk: ctx.wrk,
    url: server.url,
    script,
    // One connection per thread: each thread's answers come in the order of its requests.
    threads: connections,
    connections,
    durationS: ctx.options.durationS,
    args: [targets, String(ctx.options.pagesPerPutConnection), String(PAGE_BYTES - 64)],
  };
  const { measurement, wrk } = await wrkRound(server, run, [200, 201, 412]);
  const ok = wrk.counters['put_ok'] ?? 0;
  const conflicts = wrk.counters['put_412'] ?? 0;
  const other = wrk.counters['put_other'] ?? 0;
  totals.ok += ok;
  totals.conflicts += conflicts;
  totals.other += other;
  // Requests/s counts successful writes only; a 412 (there should be none: every page has one writer)
  // is not one. Statuses other than 200, 201 and 412 are already among the measurement's errors.
  return { ...measurement, rps: ok / wrk.durationS };
}

function successNote(totals: PutTotals): string {
  const attempts = totals.ok + totals.conflicts + totals.other;
  return `PUT success ${attempts === 0 ? '—' : ((100 * totals.ok) / attempts).toFixed(1)}% (${totals.conflicts} × 412)`;
}

async function seed(ctx: BenchContext, server: ServerProcess, prefix: string, connections: number): Promise<SeededPage[]> {
  const count = connections * ctx.options.pagesPerPutConnection;
  ctx.log(`put: creating ${count} pages of 1 KiB (${server.name})`);
  return createPages(server.url, names(prefix, count), PAGE_BYTES);
}

async function sqliteRows(ctx: BenchContext): Promise<Row[]> {
  const connections = ctx.options.putConnections;
  const server = await startMidair('put-sqlite', { main: ctx.midairMain });
  try {
    const pages = await seed(ctx, server, 'put', connections);
    const totals = { ok: 0, conflicts: 0, other: 0 };
    const midair: Measurement[] = [];
    const ceiling: Measurement[] = [];
    for (let round = 1; round <= ctx.options.rounds; round++) {
      ctx.log(`put: SQLite, ${roundLabel(ctx, round)}`);
      midair.push(await putRound(ctx, server, pages, connections, totals, `put-sqlite-${round}`));
      ctx.log(`put: SQLite in-process ceiling, ${roundLabel(ctx, round)}`);
      ceiling.push(await ceilingRound(ctx, ['--backend', 'sqlite', '--dir', tempDir('midair-ceiling-'), '--pages', String(pages.length)]));
    }
    return [
      { id: 'put-sqlite-ceiling', scenario: 'put', label: 'SQLite ceiling: in-process, 1 transaction per write', rounds: ceiling },
      { id: 'put-sqlite', scenario: 'put', label: `SQLite, ${connections} connections`, baselineId: 'put-sqlite-ceiling', rounds: midair, notes: [successNote(totals)] },
    ];
  } finally {
    await server.stop();
  }
}

function skippedPostgres(reason: string): Row[] {
  return [{ id: 'put-pg', scenario: 'put', label: 'PostgreSQL', rounds: [], skipped: reason }];
}

async function postgresRows(ctx: BenchContext): Promise<Row[]> {
  const url = ctx.options.databaseUrl;
  const reason = await unreachableReason(url);
  if (reason !== undefined) return skippedPostgres(reason);
  const connections = ctx.options.pgConnections;
  const admin = new Admin(url);
  try {
    const schema = await admin.createSchema('put');
    const ceilingSchema = admin.reserveSchema('ceiling');
    const server = await startMidair('put-postgres', { main: ctx.midairMain, databaseUrl: urlWithSchema(url, schema) });
    try {
      const pages = await seed(ctx, server, 'put', connections);
      const pgbench = pgbenchPath();
      const totals = { ok: 0, conflicts: 0, other: 0 };
      const midair: Measurement[] = [];
      const ceiling: Measurement[] = [];
      const bench: Measurement[] = [];
      const whole: Measurement[] = [];
      const wholeScript = wholeWriteScript(channelName('midair_changes', schema));
      for (let round = 1; round <= ctx.options.rounds; round++) {
        ctx.log(`put: PostgreSQL, ${roundLabel(ctx, round)}`);
        midair.push(await putRound(ctx, server, pages, connections, totals, `put-pg-${round}`));
        ctx.log(`put: PostgreSQL in-process ceiling, ${roundLabel(ctx, round)}`);
        ceiling.push(await ceilingRound(ctx, ['--backend', 'postgres', '--url', url, '--schema', ceilingSchema, '--pages', String(pages.length)]));
        if (pgbench !== undefined) {
          ctx.log(`put: pgbench, ${roundLabel(ctx, round)}`);
          await resetPgbenchPages(admin, schema, connections, PAGE_BYTES);
          bench.push(await runPgbench({ pgbench, url, schema, clients: connections, durationS: ctx.options.durationS, bytes: PAGE_BYTES, dir: ctx.workDir, tag: String(round) }));
          ctx.log(`put: pgbench, midair's whole write statement, ${roundLabel(ctx, round)}`);
          await resetPgbenchPages(admin, schema, connections, PAGE_BYTES);
          whole.push(await runPgbench({ pgbench, url, schema, clients: connections, durationS: ctx.options.durationS, bytes: PAGE_BYTES, dir: ctx.workDir, tag: `whole-${round}`, script: wholeScript }));
        }
      }
      const rows: Row[] = [];
      if (pgbench === undefined) rows.push({ id: 'put-pgbench-whole', scenario: 'put', label: 'pgbench', rounds: [], skipped: 'pgbench is not installed (apt-get install postgresql-client)' });
      else {
        rows.push(
          {
            id: 'put-pgbench-whole',
            scenario: 'put',
            label: `pgbench: midair's write statement, ${connections} clients`,
            rounds: whole,
            notes: ['1 write per transaction: CAS + revision + search index + NOTIFY, as write-batch.ts; PostgreSQL’s CPU and RSS, not measured'],
          },
          {
            id: 'put-pgbench',
            scenario: 'put',
            label: `pgbench: its compare-and-swap UPDATE alone`,
            rounds: bench,
            baselineId: 'put-pgbench-whole',
            notes: ['the pages row only: no history, search index or NOTIFY'],
          },
        );
      }
      const base = pgbench === undefined ? {} : { baselineId: 'put-pgbench-whole' };
      rows.push(
        { id: 'put-pg-ceiling', scenario: 'put', label: 'PostgreSQL ceiling: in-process, 1 transaction per write', rounds: ceiling, ...base },
        { id: 'put-pg', scenario: 'put', label: `PostgreSQL, ${connections} connections`, rounds: midair, ...base, notes: [successNote(totals), 'CPU is midair’s only'] },
      );
      return rows;
    } finally {
      await server.stop();
    }
  } finally {
    await admin.end();
  }
}

export async function runConditionalPut(ctx: BenchContext): Promise<ScenarioResult> {
  const rows = [...(await sqliteRows(ctx)), ...(await postgresRows(ctx))];
  const details = [
    `put: each wrk connection owns ${ctx.options.pagesPerPutConnection} pages of 1 KiB and sends If-Match with the ETag its last answer gave; requests/s counts 2xx writes only.`,
    `put: PostgreSQL runs use ${ctx.options.pgConnections} connections, midair's default pool size (not settable from the command line), and pgbench as many clients.`,
  ];
  const overUpdate = ratio(rows, 'put-pg', 'put-pgbench', 'rps');
  if (overUpdate !== undefined) {
    details.push(
      `put: next to pgbench running only the compare-and-swap UPDATE, midair on PostgreSQL wrote ${overUpdate.toFixed(2)}× as fast: each midair write also stores the revision with its content, updates the search index and sends a NOTIFY (the whole statement is the target's baseline), and pays for HTTP on the same two CPUs as PostgreSQL.`,
    );
  }
  if (rows.some((r) => r.id === 'put-pg' && r.skipped)) details.push(`put: PostgreSQL skipped — ${rows.find((r) => r.id === 'put-pg')!.skipped}`);
  return { rows, details };
}
