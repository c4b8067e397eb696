// Shared pieces of the multi-process suites: PostgreSQL schemas for servers, and the checks.
import assert from 'node:assert/strict';
import { after } from 'node:test';
import pg from 'pg';
import { type AppendStats, linesOf, totals } from './appenders.js';
import { getPage } from './http.js';
import { probePostgres, TestSchemas, testDatabaseUrl } from './postgres.js';
import { type RunningServer, removeDir, startServer } from './server.js';

export const postgresUrl = testDatabaseUrl();
const reach = await probePostgres(postgresUrl, 2000);

/** node:test options: run, skip with the reason, or (in CI) fail when PostgreSQL is missing. */
export function postgresTestOptions(): { skip?: string } {
  if (reach.reachable) return {};
  if (process.env['CI'] === 'true') throw new Error(`${reach.reason}; CI=true requires the PostgreSQL suites`);
  return { skip: `${reach.reason}; start PostgreSQL or set DATABASE_URL to run this` };
}

/** A fresh schema and a DATABASE_URL that puts the servers' tables in it. */
export async function serverSchema(schemas: TestSchemas): Promise<string> {
  const schema = schemas.next();
  await schemas.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
  const url = new URL(postgresUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/**
 * Every acknowledged line is in its page exactly once, and nothing else is. A write whose
 * process was killed after its commit but before its answer is neither acknowledged nor lost:
 * its client found it on re-reading, and it counts towards `expected` as written.
 */
export async function assertAppendsIntact(base: string, pages: readonly string[], stats: readonly AppendStats[], expected: number): Promise<void> {
  const { acknowledged, committedUnanswered } = totals(stats);
  const present: string[] = [];
  for (const name of pages) {
    const page = await getPage(base, name);
    assert.equal(page.status, 200, `${name} readable`);
    present.push(...linesOf(page.text()));
  }
  assert.equal(new Set(present).size, present.length, 'no line appended twice');
  for (const line of acknowledged) assert.ok(present.includes(line), `acknowledged line ${line} is present`);
  const written = new Set([...acknowledged, ...committedUnanswered]);
  for (const line of present) assert.ok(written.has(line), `line ${line} was written by a client`);
  assert.ok(written.size >= expected, `${acknowledged.length} lines acknowledged and ${committedUnanswered.length} committed without an answer, of ${expected}`);
}

/**
 * For a describe block: `start(n)` runs n server processes on one fresh PostgreSQL schema;
 * after the block they are stopped, their folders removed and the schema dropped.
 */
export function postgresServersPerSuite(): { start(count: number): Promise<RunningServer[]> } {
  const schemas = new TestSchemas(postgresUrl);
  const servers: RunningServer[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    for (const s of servers) removeDir(s.dataDir);
    await schemas.close();
  });
  return {
    async start(count) {
      const url = await serverSchema(schemas);
      for (let i = 0; i < count; i++) servers.push(await startServer({ env: { DATABASE_URL: url } }));
      return servers.slice(-count);
    },
  };
}
