// npm run chaos — kill -9 midair many times during writes, on SQLite and (when reachable) on
// PostgreSQL, and restart a private PostgreSQL cluster under load; check every acknowledged
// write afterwards. Options: --rounds N (default 30), --only sqlite,postgres,pg-restart
import { parseArgs } from 'node:util';
import { appendLines, totals } from '../test/support/appenders.js';
import { assertAppendsIntact } from '../test/support/cluster.js';
import { createPage } from '../test/support/http.js';
import { killRounds, verifyKillRounds } from '../test/support/kill-rounds.js';
import { probePostgres, TestSchemas, testDatabaseUrl } from '../test/support/postgres.js';
import { privatePostgresUnavailable, startPrivatePostgres } from '../test/support/private-postgres.js';
import { removeDir, startServer, tempDir } from '../test/support/server.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '30' }, only: { type: 'string' } } });
const rounds = Number(values.rounds);
const only = values.only?.split(',');
const wanted = (name: string) => !only || only.includes(name);
const results: string[] = [];

async function scenario(name: string, run: () => Promise<string>): Promise<void> {
  if (!wanted(name)) return;
  const started = Date.now();
  process.stdout.write(`${name}: `);
  try {
    const summary = await run();
    results.push(`PASS ${name}: ${summary} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    results.push(`FAIL ${name}: ${(error as Error).message}`);
  }
  process.stdout.write('\n');
}

await scenario('sqlite', async () => {
  const dataDir = tempDir('midair-chaos-');
  try {
    const result = await killRounds({ dataDir, rounds, onRound: () => process.stdout.write('.') });
    await verifyKillRounds(dataDir, result);
    return `${rounds} kill -9 rounds, ${result.acknowledged.length} acknowledged writes all present, integrity_check ok, no history gap`;
  } finally {
    removeDir(dataDir);
  }
});

const url = testDatabaseUrl();
const reach = await probePostgres(url);
await scenario('postgres', async () => {
  if (!reach.reachable) return `skipped: ${reach.reason}`;
  const schemas = new TestSchemas(url);
  const dataDir = tempDir('midair-chaos-');
  try {
    const schema = schemas.next();
    await schemas.query(`CREATE SCHEMA ${schema}`);
    const withSchema = new URL(url);
    withSchema.searchParams.set('options', `-c search_path=${schema}`);
    const env = { DATABASE_URL: withSchema.toString() };
    const result = await killRounds({ dataDir, rounds, env, onRound: () => process.stdout.write('.') });
    await verifyKillRounds(dataDir, result, env);
    return `${rounds} kill -9 rounds, ${result.acknowledged.length} acknowledged writes all present, no history gap`;
  } finally {
    removeDir(dataDir);
    await schemas.close();
  }
});

await scenario('pg-restart', async () => {
  const reason = privatePostgresUnavailable();
  if (reason) return `skipped: ${reason}`;
  const database = await startPrivatePostgres();
  const server = await startServer({ env: { DATABASE_URL: database.url } });
  try {
    const pages = ['Restart 0', 'Restart 1'];
    for (const name of pages) await createPage(server.url, name, '');
    const run = Promise.all(Array.from({ length: 10 }, (_, c) => appendLines([server.url], pages[c % 2]!, `c${c}`, 40, { deadline: 180_000, backoff: 50 })));
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 700));
      database.stop();
      process.stdout.write('x');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      database.start();
      process.stdout.write('.');
    }
    const stats = await run;
    const { otherStatuses, acknowledged } = totals(stats);
    const unexpected = Object.keys(otherStatuses).filter((s) => !['503', '0'].includes(s));
    if (unexpected.length > 0) throw new Error(`unexpected statuses during restarts: ${JSON.stringify(otherStatuses)}`);
    await assertAppendsIntact(server.url, pages, stats, 400);
    return `3 PostgreSQL restarts under load, ${otherStatuses[503] ?? 0} × 503 with Retry-After, ${acknowledged.length} acknowledged appends all present exactly once`;
  } catch (error) {
    throw new Error(`${(error as Error).message}\nserver output:\n${server.output()}`);
  } finally {
    await server.stop();
    database.destroy();
  }
});

console.log(`\n${results.join('\n')}`);
process.exit(results.some((r) => r.startsWith('FAIL')) ? 1 : 0);
