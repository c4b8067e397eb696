// Settings: each is a command-line flag and an environment variable; the flag wins.
import { parseArgs } from 'node:util';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly logLevel: string;
  readonly bodyLimit: number;
  /** A postgres:// URL selects the PostgreSQL store; unset means the embedded SQLite store. */
  readonly databaseUrl?: string;
  /** Serving processes sharing the port and the store (node:cluster); 1 serves in-process. */
  readonly workers: number;
  /** A client has this long (ms) to send a whole request before it gets 408. */
  readonly requestTimeout: number;
  /** PostgreSQL: most connections per process. */
  readonly dbPoolSize: number;
  /** PostgreSQL: the server cancels statements running longer than this (ms). */
  readonly dbStatementTimeout: number;
}

export class ConfigError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const USAGE = `Usage: npm start -- [options]

  --port N          PORT          TCP port (default 3000; 0 picks a free one)
  --host ADDR       HOST          address to listen on (default 127.0.0.1)
  --data-dir DIR    DATA_DIR      folder of the SQLite store (default ./data)
  --log-level L     LOG_LEVEL     fatal|error|warn|info|debug|trace|silent (default info)
  --body-limit N    BODY_LIMIT    largest request body: bytes, or with KiB/MiB (default 1MiB)
  --database-url U  DATABASE_URL  postgres://… to use PostgreSQL instead of SQLite
  --workers N       WORKERS       serving processes on one port and one store (default 1)
  --request-timeout MS  REQUEST_TIMEOUT  time to send a whole request before 408 (default 30000)
  --db-pool-size N  DB_POOL_SIZE  PostgreSQL connections per process (default 10)
  --db-statement-timeout MS  DB_STATEMENT_TIMEOUT  PostgreSQL statement limit (default 5000)
  --help                          this text`;

/** Parses "1048576", "512KiB", "1MiB", "2mb" into bytes. */
export function parseSize(text: string): number {
  const match = /^\s*(\d+)\s*(b|k|kb|kib|m|mb|mib)?\s*$/i.exec(text);
  if (!match) throw new ConfigError(`Not a size: "${text}" (use bytes, or a number with KiB or MiB)`);
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1;
  return Number(match[1]) * factor;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65535) throw new ConfigError(`Not a TCP port: "${text}"`);
  return port;
}

export const MAX_WORKERS = 64;

function parseCount(what: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
    throw new ConfigError(`Not a valid ${what}: "${text}" (${min} to ${max})`);
  }
  return value;
}

function parseWorkers(text: string): number {
  return parseCount('number of workers', text, 1, MAX_WORKERS);
}

function databaseUrl(url: string | undefined): { databaseUrl?: string } {
  if (url === undefined || url === '') return {};
  if (!/^postgres(ql)?:\/\//.test(url)) throw new ConfigError(`DATABASE_URL must be a postgres:// URL, not "${url}"`);
  return { databaseUrl: url };
}

export function readConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Config | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'log-level': { type: 'string' },
        'body-limit': { type: 'string' },
        'database-url': { type: 'string' },
        workers: { type: 'string' },
        'request-timeout': { type: 'string' },
        'db-pool-size': { type: 'string' },
        'db-statement-timeout': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (values.help) return 'help';
  const logLevel = values['log-level'] ?? env['LOG_LEVEL'] ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`Not a log level: "${logLevel}" (one of ${LOG_LEVELS.join(', ')})`);
  return {
    port: parsePort(values.port ?? env['PORT'] ?? '3000'),
    host: values.host ?? env['HOST'] ?? '127.0.0.1',
    dataDir: values['data-dir'] ?? env['DATA_DIR'] ?? './data',
    logLevel,
    bodyLimit: parseSize(values['body-limit'] ?? env['BODY_LIMIT'] ?? '1MiB'),
    ...databaseUrl(values['database-url'] ?? env['DATABASE_URL']),
    workers: parseWorkers(values.workers ?? env['WORKERS'] ?? '1'),
    requestTimeout: parseCount('request timeout', values['request-timeout'] ?? env['REQUEST_TIMEOUT'] ?? '30000', 100, 3_600_000),
    dbPoolSize: parseCount('pool size', values['db-pool-size'] ?? env['DB_POOL_SIZE'] ?? '10', 1, 1000),
    dbStatementTimeout: parseCount('statement timeout', values['db-statement-timeout'] ?? env['DB_STATEMENT_TIMEOUT'] ?? '5000', 100, 3_600_000),
  };
}
