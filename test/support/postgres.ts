// PostgreSQL for tests: is it there, and a schema of its own for every store a test opens,
// so that runs (and cases) never see each other's pages.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** DATABASE_URL, or the local test database. */
export function testDatabaseUrl(): string {
  const url = process.env['DATABASE_URL'];
  return url === undefined || url === '' ? DEFAULT_TEST_DATABASE_URL : url;
}

/** Where the URL points, without any password it carries. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

export type Reachability = { readonly reachable: true } | { readonly reachable: false; readonly reason: string };

/** Connects and runs SELECT 1, giving up after `timeoutMs`. */
export async function probePostgres(url: string, timeoutMs = 2000): Promise<Reachability> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { reachable: true };
  } catch (error) {
    const detail = error instanceof Error ? `${(error as { code?: string }).code ?? ''} ${error.message}`.trim() : String(error);
    return { reachable: false, reason: `PostgreSQL at ${describeUrl(url)} is not reachable within ${timeoutMs} ms (${detail})` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

const PREFIX = 'midair_test_';
// Schemas of runs that crashed before cleaning up are dropped once they are this old.
const STALE_AFTER_S = 3600;
const OWN_SCHEMA = /^midair_test_(\d{10})_[0-9a-f]{8}_\d+$/;

/**
 * Hands out fresh schema names (midair_test_<epoch s>_<random>_<n>) and drops every one of
 * them at the end; also drops the schemas stale runs left behind.
 */
export class TestSchemas {
  private readonly run = `${PREFIX}${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  private readonly handedOut: string[] = [];
  private readonly admin: pg.Pool;

  constructor(readonly url: string) {
    this.admin = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 2000 });
    this.admin.on('error', () => undefined);
  }

  /** A schema name nobody has used; the store creates the schema. */
  next(): string {
    const name = `${this.run}_${this.handedOut.length + 1}`;
    this.handedOut.push(name);
    return name;
  }

  /** A statement on an administrative connection (not the store's), e.g. to inspect or disturb it. */
  async query<Row>(text: string, values: readonly unknown[] = []): Promise<Row[]> {
    return (await this.admin.query(text, [...values])).rows as Row[];
  }

  async drop(schema: string): Promise<void> {
    await this.admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  }

  async dropStale(): Promise<void> {
    const rows = await this.query<{ nspname: string }>(
      `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'midair\\_test\\_%'`,
    );
    const cutoff = Date.now() / 1000 - STALE_AFTER_S;
    for (const { nspname } of rows) {
      // Only names of exactly this helper's making: another suite's schemas are not ours to drop.
      const started = OWN_SCHEMA.exec(nspname)?.[1];
      if (started !== undefined && Number(started) < cutoff) await this.drop(nspname);
    }
  }

  /** Drops every schema handed out, then closes the administrative pool. */
  async close(): Promise<void> {
    for (const schema of this.handedOut) await this.drop(schema).catch(() => undefined);
    await this.admin.end();
  }
}
