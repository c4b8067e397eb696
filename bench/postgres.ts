// PostgreSQL for the PUT scenario: is it reachable, a schema of the run's own (dropped at the
// end), and pgbench running midair's compare-and-swap UPDATE as the database's own ceiling.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { BATCH_WRITE_SQL } from '../src/storage/postgres/write-batch.js';
import { LOAD_CPU, atCleanup, runToEnd, spawnPinned, which } from './processes.js';
import { type Measurement, percentile } from './results.js';

/** Connects and runs SELECT 1; the reason when that fails within `timeoutMs`. */
export async function unreachableReason(url: string, timeoutMs = 3000): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    const where = new URL(url);
    where.password = '';
    return `PostgreSQL at ${where.host}${where.pathname} is not reachable (${(error as Error).message || (error as { code?: string }).code})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return `PostgreSQL ${rows[0]?.server_version ?? '?'}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Statements on an administrative connection of the run; the schemas it hands out are dropped at the end. */
export class Admin {
  private readonly pool: pg.Pool;
  private readonly schemas: string[] = [];
  private ended: Promise<void> | undefined;

  constructor(readonly url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 3000 });
    this.pool.on('error', () => undefined);
    // Also when the run is interrupted.
    atCleanup(() => this.end());
  }

  async query(text: string, values: readonly unknown[] = []): Promise<void> {
    await this.pool.query(text, [...values]);
  }

  /** A fresh, empty schema. */
  async createSchema(suffix: string): Promise<string> {
    const schema = this.reserveSchema(suffix);
    await this.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
    return schema;
  }

  /** A schema name nobody uses yet, for a store that creates the schema itself. */
  reserveSchema(suffix: string): string {
    const schema = `midair_bench_${Math.floor(Date.now() / 1000)}_${randomBytes(3).toString('hex')}_${suffix}`;
    this.schemas.push(schema);
    return schema;
  }

  /** Drops every schema handed out, then closes the connections. Idempotent. */
  end(): Promise<void> {
    this.ended ??= (async () => {
      for (const schema of this.schemas) await this.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`).catch(() => undefined);
      await this.pool.end();
    })();
    return this.ended;
  }
}

/** The URL with `?options=-c search_path=<schema>`, the way midair is told to use a schema. */
export function urlWithSchema(url: string, schema: string): string {
  const separator = url.includes('?') ? '&' : '?';
  return `${url}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

// midair's compare-and-swap on pages (src/storage/postgres/postgres-store.ts, "replace"): the
// same UPDATE, with the same WHERE, one autocommit transaction per write. RETURNING … \gset
// hands each client the revision its next write must name, so every write is a real swap.
const PGBENCH_SCRIPT = `UPDATE pages SET revision = revision + 1, deleted = false, etag = md5(random()::text), size = :bytes,
  modified_ms = greatest((extract(epoch from clock_timestamp()) * 1000)::bigint, modified_ms),
  date_shared = (greatest((extract(epoch from clock_timestamp()) * 1000)::bigint, modified_ms) / 1000 = modified_ms / 1000)
WHERE name = 'pgbench-' || :client_id AND revision = :expected
RETURNING revision AS expected \\gset
`;

/**
 * midair's whole write (src/storage/postgres/write-batch.ts: the compare-and-swap, the
 * revision row with its content, the search index and the NOTIFY) for one page, one write per
 * transaction: what the database costs for each write midair makes, without its batching.
 */
export function wholeWriteScript(channel: string): string {
  const text = `'# pgbench write ' || random() || E'\\n' || repeat('x', :bytes - 64)`;
  const one: Record<string, string> = {
    '1': `ARRAY['pgbench-' || :client_id]`,
    '2': 'ARRAY[:expected]::bigint[]',
    '3': 'ARRAY[false]',
    '4': 'ARRAY[md5(random()::text)]',
    '5': 'ARRAY[:bytes]::int[]',
    '6': `ARRAY['pgbench']`,
    '7': `ARRAY['pgbench']`,
    '8': `ARRAY[convert_to(${text}, 'UTF8')]`,
    // The snippet source; midair deflates it (and the content), pgbench stores the bytes as they are.
    '9': `ARRAY[convert_to(${text}, 'UTF8')]`,
    '10': '(extract(epoch from clock_timestamp()) * 1000)::bigint',
    '11': `'${channel.replaceAll("'", "''")}'`,
    '12': 'ARRAY[false]',
    // The name's fold key (page-name-key.ts); only a creation stores it.
    '13': `ARRAY['pgbench-' || :client_id]`,
    // The indexed words, as a tsvector literal (search-terms.ts builds it in midair).
    '14': `ARRAY[to_tsvector('simple', ${text})::text]`,
    '15': `ARRAY[to_tsvector('simple', 'pgbench')::text]`,
    // The content's encoding (revision-codec.ts): plain.
    '16': 'ARRAY[0]::smallint[]',
    // The revision's links (page, target): none, like the bench's pages.
    '17': 'ARRAY[]::text[]',
    '18': 'ARRAY[]::text[]',
  };
  const statement = BATCH_WRITE_SQL.replace(/\$(\d+)/g, (_, n: string) => one[n] ?? `$${n}`);
  // pgbench takes one line per command; the returned revision is the next write's expectation.
  return `${statement.replace(/\s+/g, ' ').trim()} \\gset
\\set expected :revision
`;
}

export function pgbenchPath(): string | undefined {
  return which('pgbench');
}

/** One page per pgbench client in `schema`'s pages table, each back at revision 1 with no history. */
export async function resetPgbenchPages(admin: Admin, schema: string, clients: number, bytes: number): Promise<void> {
  const table = `${pg.escapeIdentifier(schema)}.pages`;
  for (const other of ['revisions', 'page_search']) await admin.query(`DELETE FROM ${pg.escapeIdentifier(schema)}.${other} WHERE name LIKE 'pgbench-%'`);
  await admin.query(`DELETE FROM ${table} WHERE name LIKE 'pgbench-%'`);
  await admin.query(
    `INSERT INTO ${table} (name, revision, deleted, etag, modified_ms, date_shared, size)
     SELECT 'pgbench-' || g, 1, false, md5(g::text), 0, false, $1 FROM generate_series(0, $2::int - 1) g`,
    [bytes, clients],
  );
}

type PgbenchOptions = {
  readonly pgbench: string;
  readonly url: string;
  readonly schema: string;
  readonly clients: number;
  readonly durationS: number;
  readonly bytes: number;
  readonly dir: string;
  readonly tag: string;
  /** The script; the bare compare-and-swap UPDATE by default. */
  readonly script?: string;
};

/**
 * pgbench's rate for the options. A run that processed nothing — on a loaded machine ten
 * clients can spend a one-second run connecting — is run once more, for twice as long.
 */
export async function runPgbench(options: PgbenchOptions): Promise<Measurement> {
  const first = await pgbenchOnce(options);
  if (first.requests > 0) return first;
  return pgbenchOnce({ ...options, durationS: Math.max(2, options.durationS * 2), tag: `${options.tag}-again` });
}

async function pgbenchOnce(options: PgbenchOptions): Promise<Measurement> {
  const script = join(options.dir, `pgbench-${options.tag}.sql`);
  writeFileSync(script, options.script ?? PGBENCH_SCRIPT);
  const prefix = `pgbench-${options.tag}`;
  const duration = Math.max(1, Math.round(options.durationS));
  const args = [
    '-n', '-M', 'prepared',
    '-c', String(options.clients), '-j', '1',
    '-T', String(duration),
    '-D', 'expected=1', '-D', `bytes=${options.bytes}`,
    '-f', script,
    '-l', `--log-prefix=${join(options.dir, prefix)}`,
    options.url,
  ];
  const child = spawnPinned(options.pgbench, args, { cpu: LOAD_CPU, env: { PGOPTIONS: `-c search_path=${options.schema}` } });
  const done = await runToEnd(child, (duration + 30) * 1000, 'pgbench');
  const output = `${done.stdout}\n${done.stderr}`;
  const processed = Number(/number of transactions actually processed: (\d+)/.exec(output)?.[1] ?? 0);
  const failed = Number(/number of failed transactions: (\d+)/.exec(output)?.[1] ?? 0);
  const aborted = (output.match(/client \d+ (script \d+ )?aborted/g) ?? []).length;
  // A clean run with nothing processed prints no tps line; the caller decides what to do with it.
  if (done.code === 0 && processed === 0 && failed === 0 && aborted === 0) return { rps: 0, requests: 0, errors: 0 };
  const tps = Number(/^tps = ([\d.]+)/m.exec(output)?.[1]);
  if (!Number.isFinite(tps)) throw new Error(`pgbench failed (exit ${done.code}):\n${output}`);

  // Per-transaction log: client, transaction, latency in µs, script, epoch s, µs.
  const latencies: number[] = [];
  for (const file of readdirSync(options.dir).filter((f) => f.startsWith(`${prefix}.`))) {
    for (const line of readFileSync(join(options.dir, file), 'utf8').split('\n')) {
      const us = Number(line.split(' ')[2]);
      if (Number.isFinite(us) && line !== '') latencies.push(us / 1000);
    }
  }
  latencies.sort((a, b) => a - b);
  return {
    rps: tps,
    ...(latencies.length > 0 ? { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) } : {}),
    requests: processed,
    errors: failed + aborted,
  };
}
