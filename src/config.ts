// Settings: each is a command-line flag and an environment variable; the flag wins.
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

/** Who may read and edit: see README "Accounts and access". */
export type AuthMode = 'open' | 'accounts' | 'private';
export const AUTH_MODES: readonly AuthMode[] = ['open', 'accounts', 'private'];

/** At most `max` requests per `windowMs`; null turns the limit off. */
export interface RateLimitSetting {
  readonly max: number;
  readonly windowMs: number;
}

/** Fastify's trustProxy: false, true (any hop), a hop count, or the proxies' addresses/CIDRs. */
export type TrustProxySetting = boolean | number | readonly string[];

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly logLevel: string;
  readonly bodyLimit: number;
  /** Largest uploaded file in bytes (--file-limit). */
  readonly fileLimit: number;
  /** Bytes of file versions one user may upload in all; undefined: no quota. */
  readonly fileQuota?: number;
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
  /** open: anyone edits; accounts: anyone reads, editors edit; private: everything needs a sign-in. */
  readonly auth: AuthMode;
  /** Serve in open mode on a non-loopback address anyway. */
  readonly allowOpen: boolean;
  /** Which proxies' X-Forwarded-For/-Proto/-Host to believe (client address, https, Secure cookies). */
  readonly trustProxy: TrustProxySetting;
  /** A session unused this long (ms) is over. */
  readonly sessionIdleTimeout: number;
  /** A session is over this long (ms) after its sign-in, used or not. */
  readonly sessionMaxAge: number;
  /** Failed sign-ins per account. */
  readonly loginRateLimit: RateLimitSetting | null;
  /** Sign-in attempts per client address. */
  readonly loginAddressRateLimit: RateLimitSetting | null;
  /** Writes per signed-in user. */
  readonly writeRateLimit: RateLimitSetting | null;
  /** Worker threads per process for page rendering, previews, diffs and merges. */
  readonly renderThreads: number;
  /** Ms one render, diff or merge may take before it is cancelled and the page degrades. */
  readonly renderTimeout: number;
  /** How much lower than the event loop's the render threads' CPU priority is (Unix nice, 0 to 19). */
  readonly renderNice: number;
  /** Bytes of memory the response caches of one process may hold together (rendered pages, bodies). */
  readonly cacheSize: number;
  /** Event streams open at once on one page (per process). */
  readonly maxPageStreams: number;
  /** Event streams open at once from one client address (per process). */
  readonly maxStreamsPerClient: number;
  /** PUBLIC_URL: the site's own origins as users reach it; requests naming other hosts get 421. */
  readonly publicOrigins?: readonly string[];
  /** Serve Prometheus metrics at /metrics on this port (same host); undefined: no metrics. */
  readonly metricsPort?: number;
}

export class ConfigError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const USAGE = `Usage: npm start -- [options]

  --port N          PORT          TCP port (default 3000; 0 picks a free one)
  --host ADDR       HOST          address to listen on (default 127.0.0.1)
  --data-dir DIR    DATA_DIR      folder of the SQLite store (default ./data)
  --log-level L     LOG_LEVEL     fatal|error|warn|info|debug|trace|silent (default info)
  --body-limit N    BODY_LIMIT    largest request body: bytes, or with KiB/MiB (default 1MiB)
  --file-limit N    FILE_LIMIT    largest uploaded file: bytes, or with KiB/MiB/GiB (default 100MiB)
  --file-quota N    FILE_QUOTA    bytes of file versions one user may upload in all (default: off)
  --database-url U  DATABASE_URL  postgres://… to use PostgreSQL instead of SQLite
  --workers N       WORKERS       serving processes on one port and one store (default 1)
  --request-timeout MS  REQUEST_TIMEOUT  time to send a whole request before 408 (default 30000)
  --db-pool-size N  DB_POOL_SIZE  PostgreSQL connections per process (default 10)
  --db-statement-timeout MS  DB_STATEMENT_TIMEOUT  PostgreSQL statement limit (default 5000)
  --auth MODE       AUTH          open|accounts|private (default open: anyone edits)
  --allow-open      ALLOW_OPEN    allow open mode on a non-loopback HOST
  --trust-proxy V   TRUST_PROXY   false|true|hop count|proxy addresses, comma-separated (default false)
  --session-idle-timeout D  SESSION_IDLE_TIMEOUT  end a session unused this long (default 8h)
  --session-max-age D  SESSION_MAX_AGE  end a session this long after sign-in (default 7d)
  --login-rate-limit N/D  LOGIN_RATE_LIMIT  failed sign-ins per account (default 10/15m; off)
  --login-address-rate-limit N/D  LOGIN_ADDRESS_RATE_LIMIT  sign-in attempts per address (default 50/15m; off)
  --write-rate-limit N/D  WRITE_RATE_LIMIT  writes per signed-in user (default 300/1m; off)
  --render-threads N  RENDER_THREADS  worker threads for rendering, diffs, merges (default: cores - 1, 1 to 4)
  --render-timeout MS  RENDER_TIMEOUT  time one render, diff or merge may take (default 3000)
  --render-nice N   RENDER_NICE   lower the render threads' CPU priority by N, 0 to 19 (default 5)
  --cache-size N    CACHE_SIZE    memory for cached pages and bodies per process, bytes or KiB/MiB (default 256MiB)
  --max-page-streams N  MAX_PAGE_STREAMS  event streams open on one page (default 500)
  --max-streams-per-client N  MAX_STREAMS_PER_CLIENT  event streams open from one address (default 64)
  --public-url URL  PUBLIC_URL    the site's origin(s) as users reach it, comma-separated (default: loopback names)
  --metrics-port N  METRICS_PORT  serve Prometheus metrics at /metrics on this port (default: off)
  --help                          this text`;

/** Parses "1048576", "512KiB", "1MiB", "2mb", "1GiB" into bytes. */
export function parseSize(text: string): number {
  const match = /^\s*(\d+)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$/i.exec(text);
  if (!match) throw new ConfigError(`Not a size: "${text}" (use bytes, or a number with KiB, MiB or GiB)`);
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : unit.startsWith('g') ? 1024 ** 3 : 1;
  return Number(match[1]) * factor;
}

function fileQuota(text: string | undefined): { fileQuota?: number } {
  return text === undefined || text === '' || text === 'off' ? {} : { fileQuota: parseSize(text) };
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

/**
 * Render threads yield the CPU to the event loop: on a busy core Linux gives a nice-5 thread
 * about a third of the time of a nice-0 one (and wakes the loop ahead of it), so a hostile page
 * slows its own render rather than every other request. Higher values protect the loop more,
 * but on a machine busy with other processes renders then run out of their time budget.
 */
export const DEFAULT_RENDER_NICE = 5;

/** At least 4 MiB: below that every cache would hold about one large page. */
function parseCacheSize(text: string): number {
  const bytes = parseSize(text);
  if (bytes < 4 * 1024 * 1024) throw new ConfigError(`Not a valid cache size: "${text}" (at least 4MiB)`);
  return bytes;
}

/** One core stays with the event loop; more than 4 threads rarely pays for their memory. */
export function defaultRenderThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

function parseWorkers(text: string): number {
  return parseCount('number of workers', text, 1, MAX_WORKERS);
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "900s", "15m", "8h", "7d" or "250ms" into milliseconds. */
export function parseDuration(what: string, text: string): number {
  const match = /^\s*(\d+)\s*(ms|s|m|h|d)\s*$/i.exec(text);
  if (!match) throw new ConfigError(`Not a duration for ${what}: "${text}" (a number with ms, s, m, h or d)`);
  const ms = Number(match[1]) * DURATION_UNITS[match[2]!.toLowerCase()]!;
  if (ms < 1) throw new ConfigError(`${what} must be longer than 0`);
  return ms;
}

/** Parses "10/15m" (10 per 15 minutes) or "off". */
export function parseRateLimit(what: string, text: string): RateLimitSetting | null {
  if (text.trim().toLowerCase() === 'off') return null;
  const match = /^\s*(\d+)\s*\/\s*(.+)$/.exec(text);
  if (!match || Number(match[1]) < 1) throw new ConfigError(`Not a rate limit for ${what}: "${text}" (e.g. 10/15m, or off)`);
  return { max: Number(match[1]), windowMs: parseDuration(what, match[2]!) };
}

function parseAuthMode(text: string): AuthMode {
  if (!(AUTH_MODES as readonly string[]).includes(text)) throw new ConfigError(`Not an access mode: "${text}" (one of ${AUTH_MODES.join(', ')})`);
  return text as AuthMode;
}

function parseBoolean(what: string, text: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text.trim())) return true;
  if (/^(|0|false|no|off)$/i.test(text.trim())) return false;
  throw new ConfigError(`Not true or false for ${what}: "${text}"`);
}

function parseTrustProxy(text: string): TrustProxySetting {
  const value = text.trim();
  if (/^(false|no|off|0)?$/i.test(value)) return false;
  if (/^(true|yes|on)$/i.test(value)) return true;
  if (/^\d+$/.test(value)) return Number(value);
  const proxies = value.split(',').map((p) => p.trim()).filter((p) => p !== '');
  for (const proxy of proxies) {
    const [address, bits] = proxy.split('/');
    const version = isIP(address ?? '');
    if (version === 0 || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128)))) {
      throw new ConfigError(`TRUST_PROXY: "${proxy}" is not an IP address or CIDR range (or use true, false or a hop count)`);
    }
  }
  return proxies;
}

/** Loopback only: 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  return /^::ffff:127\./.test(bare);
}

/** PUBLIC_URL: "https://wiki.example.com, http://host:8080" -> their origins. */
function publicOrigins(text: string | undefined): { publicOrigins?: readonly string[] } {
  if (text === undefined || text.trim() === '') return {};
  const origins = text.split(',').map((item) => item.trim()).filter((item) => item !== '').map((item) => {
    let url: URL;
    try {
      url = new URL(item);
    } catch {
      throw new ConfigError(`PUBLIC_URL: "${item}" is not a URL (e.g. https://wiki.example.com or http://host:8080)`);
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '' || url.pathname !== '/' || url.search !== '' || url.hash !== '') {
      throw new ConfigError(`PUBLIC_URL: "${item}" must be an http:// or https:// origin, without a path (midair serves from /)`);
    }
    return url.origin;
  });
  return { publicOrigins: origins };
}

function metricsPort(text: string | undefined, port: number): { metricsPort?: number } {
  if (text === undefined || text.trim() === '' || /^off$/i.test(text.trim())) return {};
  const metrics = parsePort(text);
  if (metrics !== 0 && metrics === port) throw new ConfigError(`METRICS_PORT must differ from PORT (${port}): metrics have their own port`);
  return { metricsPort: metrics };
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
        'file-limit': { type: 'string' },
        'file-quota': { type: 'string' },
        'database-url': { type: 'string' },
        workers: { type: 'string' },
        'request-timeout': { type: 'string' },
        'db-pool-size': { type: 'string' },
        'db-statement-timeout': { type: 'string' },
        auth: { type: 'string' },
        'allow-open': { type: 'boolean' },
        'trust-proxy': { type: 'string' },
        'session-idle-timeout': { type: 'string' },
        'session-max-age': { type: 'string' },
        'login-rate-limit': { type: 'string' },
        'login-address-rate-limit': { type: 'string' },
        'write-rate-limit': { type: 'string' },
        'render-threads': { type: 'string' },
        'render-timeout': { type: 'string' },
        'render-nice': { type: 'string' },
        'cache-size': { type: 'string' },
        'max-page-streams': { type: 'string' },
        'max-streams-per-client': { type: 'string' },
        'public-url': { type: 'string' },
        'metrics-port': { type: 'string' },
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
  const host = values.host ?? env['HOST'] ?? '127.0.0.1';
  const auth = parseAuthMode(values.auth ?? env['AUTH'] ?? 'open');
  const allowOpen = values['allow-open'] ?? parseBoolean('ALLOW_OPEN', env['ALLOW_OPEN'] ?? 'false');
  if (auth === 'open' && !allowOpen && !isLoopbackHost(host)) {
    throw new ConfigError(
      `Refusing to serve in open mode on ${host}: anyone who can reach it could edit every page. ` +
        'Use --auth accounts (or private) and create users with `npm run admin -- user add NAME --role admin`, ' +
        'or pass --allow-open (ALLOW_OPEN=true) if that is really what you want.',
    );
  }
  const port = parsePort(values.port ?? env['PORT'] ?? '3000');
  const sessionIdleTimeout = parseDuration('SESSION_IDLE_TIMEOUT', values['session-idle-timeout'] ?? env['SESSION_IDLE_TIMEOUT'] ?? '8h');
  const sessionMaxAge = parseDuration('SESSION_MAX_AGE', values['session-max-age'] ?? env['SESSION_MAX_AGE'] ?? '7d');
  return {
    port,
    host,
    dataDir: values['data-dir'] ?? env['DATA_DIR'] ?? './data',
    logLevel,
    bodyLimit: parseSize(values['body-limit'] ?? env['BODY_LIMIT'] ?? '1MiB'),
    fileLimit: parseSize(values['file-limit'] ?? env['FILE_LIMIT'] ?? '100MiB'),
    ...fileQuota(values['file-quota'] ?? env['FILE_QUOTA']),
    ...databaseUrl(values['database-url'] ?? env['DATABASE_URL']),
    workers: parseWorkers(values.workers ?? env['WORKERS'] ?? '1'),
    requestTimeout: parseCount('request timeout', values['request-timeout'] ?? env['REQUEST_TIMEOUT'] ?? '30000', 100, 3_600_000),
    dbPoolSize: parseCount('pool size', values['db-pool-size'] ?? env['DB_POOL_SIZE'] ?? '10', 1, 1000),
    dbStatementTimeout: parseCount('statement timeout', values['db-statement-timeout'] ?? env['DB_STATEMENT_TIMEOUT'] ?? '5000', 100, 3_600_000),
    auth,
    allowOpen,
    trustProxy: parseTrustProxy(values['trust-proxy'] ?? env['TRUST_PROXY'] ?? 'false'),
    sessionIdleTimeout,
    sessionMaxAge,
    loginRateLimit: parseRateLimit('LOGIN_RATE_LIMIT', values['login-rate-limit'] ?? env['LOGIN_RATE_LIMIT'] ?? '10/15m'),
    loginAddressRateLimit: parseRateLimit('LOGIN_ADDRESS_RATE_LIMIT', values['login-address-rate-limit'] ?? env['LOGIN_ADDRESS_RATE_LIMIT'] ?? '50/15m'),
    writeRateLimit: parseRateLimit('WRITE_RATE_LIMIT', values['write-rate-limit'] ?? env['WRITE_RATE_LIMIT'] ?? '300/1m'),
    renderThreads: parseCount('number of render threads', values['render-threads'] ?? env['RENDER_THREADS'] ?? String(defaultRenderThreads()), 1, MAX_WORKERS),
    renderTimeout: parseCount('render timeout', values['render-timeout'] ?? env['RENDER_TIMEOUT'] ?? '3000', 10, 600_000),
    renderNice: parseCount('render thread priority decrease', values['render-nice'] ?? env['RENDER_NICE'] ?? String(DEFAULT_RENDER_NICE), 0, 19),
    cacheSize: parseCacheSize(values['cache-size'] ?? env['CACHE_SIZE'] ?? '256MiB'),
    maxPageStreams: parseCount('MAX_PAGE_STREAMS', values['max-page-streams'] ?? env['MAX_PAGE_STREAMS'] ?? '500', 1, 1_000_000),
    maxStreamsPerClient: parseCount('MAX_STREAMS_PER_CLIENT', values['max-streams-per-client'] ?? env['MAX_STREAMS_PER_CLIENT'] ?? '64', 1, 1_000_000),
    ...publicOrigins(values['public-url'] ?? env['PUBLIC_URL']),
    ...metricsPort(values['metrics-port'] ?? env['METRICS_PORT'], port),
  };
}
