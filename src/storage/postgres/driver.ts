// The slice of node-postgres the store uses, declared structurally, and the one place that
// turns PostgresStoreOptions into pool and client settings.
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { BatchSettings } from '../page-write.js';

export interface SqlResult<Row> {
  readonly rows: Row[];
}

/** A statement with a name is prepared once per connection and reused. */
export interface NamedStatement {
  readonly name: string;
  readonly text: string;
  readonly values: readonly unknown[];
}

export interface Queryable {
  query(statement: string | NamedStatement, values?: readonly unknown[]): Promise<SqlResult<unknown>>;
}

export interface PooledConnection extends Queryable {
  /** Passing the error destroys the connection instead of returning it to the pool. */
  release(destroy?: Error | boolean): void;
}

export interface ConnectionPool extends Queryable {
  /** pg.Pool's counts, for metrics: connections open, idle, and checkouts waiting. */
  readonly totalCount?: number | undefined;
  readonly idleCount?: number | undefined;
  readonly waitingCount?: number | undefined;
  connect(): Promise<PooledConnection>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface ListenConnection extends Queryable {
  connect(): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string | undefined }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
}

export interface PostgresStoreOptions extends BatchSettings {
  /** postgres://user@host:port/database; `?options=-c search_path=...` is honoured. */
  readonly url: string;
  /** A schema to keep the tables in: created if missing and put first on every connection's search_path. */
  readonly schema?: string;
  /** Most connections the pool opens (default 10); the change listener uses one more. */
  readonly poolSize?: number;
  /** How long to wait for a connection, new or pooled, before answering unavailable (default 2000). */
  readonly connectTimeoutMs?: number;
  /** The server cancels any statement running longer than this (default 5000). */
  readonly statementTimeoutMs?: number;
  /** Shown in pg_stat_activity (default "midair"). */
  readonly applicationName?: string;
  /** Write batches on their way to the database at once (default 2): one's commit overlaps the next one's work. */
  readonly writeBatches?: number;
  /** The clock that dates revisions, in ms since the epoch (default Date.now). */
  readonly clock?: () => number;
  /** Hears the text of every statement sent through the pool (tests count queries with it); nothing is wrapped without it. */
  readonly onStatement?: (text: string) => void;
}

// A plain identifier, so that it needs no quoting inside the `options` startup parameter.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new TypeError(`PostgreSQL schema "${schema}" must be lower-case letters, digits and "_" (at most 63)`);
  }
  return schema;
}

/** The URL with `-c search_path=<schema>` added to whatever `options` it already carries. */
function urlWithSearchPath(url: string, schema: string | undefined): string {
  if (schema === undefined) return url;
  const parsed = new URL(url);
  const options = parsed.searchParams.get('options');
  parsed.searchParams.set('options', `${options ?? ''} -c search_path=${checkSchemaName(schema)}`.trim());
  return parsed.toString();
}

interface ConnectionSettings {
  readonly connectionString: string;
  readonly application_name: string;
  readonly connectionTimeoutMillis: number;
  readonly keepAlive: boolean;
  readonly keepAliveInitialDelayMillis: number;
}

function connectionSettings(options: PostgresStoreOptions): ConnectionSettings {
  return {
    connectionString: urlWithSearchPath(options.url, options.schema),
    application_name: options.applicationName ?? 'midair',
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2000,
    // Notices a peer that vanished without closing the socket (the LISTEN client waits forever otherwise).
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

export function createPool(options: PostgresStoreOptions): ConnectionPool {
  const statementTimeout = options.statementTimeoutMs ?? 5000;
  const pool = new pg.Pool({
    ...connectionSettings(options),
    max: options.poolSize ?? 10,
    idleTimeoutMillis: 30_000,
    statement_timeout: statementTimeout,
    // A transaction left open by a stalled process must not hold row locks for long.
    idle_in_transaction_session_timeout: statementTimeout * 2,
    // The client gives up too when the server never answers (a partition, not a refusal).
    query_timeout: statementTimeout + 2000,
  });
  // The pool listens for errors only on idle connections. A checked-out connection that the
  // server terminates between two queries (a restart: 57P01) emits 'error' with no listener,
  // which would end the process; its next query fails instead, and the store answers 503.
  // An idle connection the server ended (a restart, a cut network) is dropped by the pool, which
  // then emits 'error': without a listener that would end the process. The next query reconnects.
  pool.on('error', () => undefined);
  pool.on('connect', (connection) => {
    connection.on('error', () => undefined);
    // A write is one autocommit statement whose UPDATE must re-check a row a concurrent writer
    // changed and find it moved on (a conflict), not fail as SERIALIZABLE would. Queued first,
    // so it runs before any statement of the caller that asked for this connection.
    connection.query('SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED').catch(() => undefined);
  });
  return options.onStatement === undefined ? pool : observedPool(pool, options.onStatement);
}

/** The pool, every statement of which `observe` hears before it is sent. */
function observedPool(pool: ConnectionPool, observe: (text: string) => void): ConnectionPool {
  const observed = <Q extends Queryable>(target: Q): Queryable['query'] =>
    (statement, values) => {
      observe(typeof statement === 'string' ? statement : statement.text);
      return target.query(statement, values);
    };
  return {
    query: observed(pool),
    async connect() {
      const connection = await pool.connect();
      return { query: observed(connection), release: (destroy) => connection.release(destroy) };
    },
    end: () => pool.end(),
    on: (event, listener) => pool.on(event, listener),
    get totalCount() { return pool.totalCount; },
    get idleCount() { return pool.idleCount; },
    get waitingCount() { return pool.waitingCount; },
  };
}

export function createListenConnection(options: PostgresStoreOptions): ListenConnection {
  return new pg.Client(connectionSettings(options));
}

export function quoteIdentifier(name: string): string {
  return pg.escapeIdentifier(name);
}

/** A NOTIFY channel of one schema: at most 63 bytes, the limit of an identifier. */
export function channelName(prefix: string, schema: string): string {
  const channel = `${prefix}.${schema}`;
  return Buffer.byteLength(channel) <= 63 ? channel : `${prefix}.${createHash('sha256').update(schema).digest('hex').slice(0, 40)}`;
}
