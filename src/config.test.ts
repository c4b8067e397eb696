import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, defaultRenderThreads, isLoopbackHost, parseDuration, parseRateLimit, parseSize, readConfig } from './config.js';

const AUTH_DEFAULTS = {
  auth: 'open',
  allowOpen: false,
  trustProxy: false,
  sessionIdleTimeout: 8 * 3_600_000,
  sessionMaxAge: 7 * 86_400_000,
  loginRateLimit: { max: 10, windowMs: 900_000 },
  loginAddressRateLimit: { max: 50, windowMs: 900_000 },
  writeRateLimit: { max: 300, windowMs: 60_000 },
  renderThreads: defaultRenderThreads(),
  renderTimeout: 3000,
  renderNice: 5,
  cacheSize: 256 * 1048576,
};

const STREAM_DEFAULTS = { maxPageStreams: 500, maxStreamsPerClient: 64 };

test('defaults serve on 127.0.0.1:3000 with data in ./data and a 1 MiB body limit', () => {
  assert.deepEqual(readConfig([], {}), { port: 3000, host: '127.0.0.1', dataDir: './data', logLevel: 'info', bodyLimit: 1048576, fileLimit: 100 * 1048576, workers: 1, requestTimeout: 30000, dbPoolSize: 10, dbStatementTimeout: 5000, ...AUTH_DEFAULTS, ...STREAM_DEFAULTS });
});

test('environment variables set every setting', () => {
  const config = readConfig([], {
    PORT: '4000', HOST: '0.0.0.0', DATA_DIR: '/tmp/x', LOG_LEVEL: 'warn', BODY_LIMIT: '2MiB', FILE_LIMIT: '1GiB', FILE_QUOTA: '500MiB', DATABASE_URL: 'postgres://u@h/db', WORKERS: '3', REQUEST_TIMEOUT: '9000', DB_POOL_SIZE: '4', DB_STATEMENT_TIMEOUT: '2000',
    AUTH: 'accounts', ALLOW_OPEN: 'false', TRUST_PROXY: '10.0.0.0/8, ::1', SESSION_IDLE_TIMEOUT: '30m', SESSION_MAX_AGE: '2d', LOGIN_RATE_LIMIT: '5/10m', LOGIN_ADDRESS_RATE_LIMIT: '20/1h', WRITE_RATE_LIMIT: 'off',
    RENDER_THREADS: '2', RENDER_TIMEOUT: '500', RENDER_NICE: '0', CACHE_SIZE: '32MiB',
  });
  assert.deepEqual(config, {
    port: 4000, host: '0.0.0.0', dataDir: '/tmp/x', logLevel: 'warn', bodyLimit: 2 * 1048576, fileLimit: 1024 ** 3, fileQuota: 500 * 1048576, databaseUrl: 'postgres://u@h/db', workers: 3, requestTimeout: 9000, dbPoolSize: 4, dbStatementTimeout: 2000,
    auth: 'accounts', allowOpen: false, trustProxy: ['10.0.0.0/8', '::1'], sessionIdleTimeout: 1_800_000, sessionMaxAge: 172_800_000,
    loginRateLimit: { max: 5, windowMs: 600_000 }, loginAddressRateLimit: { max: 20, windowMs: 3_600_000 }, writeRateLimit: null,
    renderThreads: 2, renderTimeout: 500, renderNice: 0, cacheSize: 32 * 1048576,
    ...STREAM_DEFAULTS,
  });
});

test('a flag wins over its environment variable', () => {
  const config = readConfig(['--port', '5000', '--data-dir', 'flag-dir', '--body-limit', '512KiB'], { PORT: '4000', DATA_DIR: 'env-dir' });
  assert.ok(config !== 'help');
  assert.equal(config.port, 5000);
  assert.equal(config.dataDir, 'flag-dir');
  assert.equal(config.bodyLimit, 512 * 1024);
});

test('bad values are refused with a message naming them', () => {
  assert.throws(() => readConfig(['--port', 'eighty'], {}), (e: unknown) => e instanceof ConfigError && /eighty/.test(e.message));
  assert.throws(() => readConfig(['--port', '70000'], {}), ConfigError);
  assert.throws(() => readConfig(['--log-level', 'loud'], {}), ConfigError);
  assert.throws(() => readConfig(['--bogus'], {}), ConfigError);
  assert.throws(() => readConfig([], { DATABASE_URL: 'mysql://x' }), ConfigError);
  assert.throws(() => readConfig([], { BODY_LIMIT: 'lots' }), ConfigError);
  assert.throws(() => readConfig(['--workers', '0'], {}), ConfigError);
  assert.throws(() => readConfig(['--workers', '65'], {}), ConfigError);
  assert.throws(() => readConfig(['--render-threads', '0'], {}), ConfigError);
  assert.throws(() => readConfig(['--render-timeout', '5'], {}), ConfigError);
  assert.throws(() => readConfig(['--render-nice', '20'], {}), ConfigError);
  assert.throws(() => readConfig(['--render-nice', '-5'], {}), ConfigError);
  assert.throws(() => readConfig(['--cache-size', '1MiB'], {}), (e: unknown) => e instanceof ConfigError && /cache size/.test(e.message));
});

test('sizes take bytes, KiB and MiB', () => {
  assert.equal(parseSize('100'), 100);
  assert.equal(parseSize('64KiB'), 65536);
  assert.equal(parseSize('1mb'), 1048576);
  assert.equal(parseSize('3 MiB'), 3 * 1048576);
});

test('--help is recognised', () => {
  assert.equal(readConfig(['--help'], {}), 'help');
});

test('open mode on a non-loopback address is refused, with a message saying what to do', () => {
  for (const host of ['0.0.0.0', '::', '192.168.1.5', 'wiki.example.org']) {
    assert.throws(
      () => readConfig(['--host', host], {}),
      (e: unknown) => e instanceof ConfigError && e.message.includes(host) && /--auth accounts/.test(e.message) && /--allow-open/.test(e.message),
      host,
    );
  }
  const allowed = readConfig(['--host', '0.0.0.0', '--allow-open'], {});
  assert.ok(allowed !== 'help' && allowed.auth === 'open' && allowed.allowOpen);
  const byEnv = readConfig([], { HOST: '0.0.0.0', ALLOW_OPEN: 'true' });
  assert.ok(byEnv !== 'help' && byEnv.allowOpen);
  for (const auth of ['accounts', 'private']) {
    const config = readConfig(['--host', '0.0.0.0', '--auth', auth], {});
    assert.ok(config !== 'help' && config.auth === auth);
  }
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) assert.ok(readConfig(['--host', host], {}) !== 'help', host);
});

test('auth flags win over their variables, and bad values are refused', () => {
  const config = readConfig(['--auth', 'private', '--trust-proxy', '2', '--write-rate-limit', '10/1s'], { AUTH: 'accounts', TRUST_PROXY: 'true' });
  assert.ok(config !== 'help');
  assert.equal(config.auth, 'private');
  assert.equal(config.trustProxy, 2);
  assert.deepEqual(config.writeRateLimit, { max: 10, windowMs: 1000 });
  assert.equal((readConfig([], { TRUST_PROXY: 'true' }) as { trustProxy: unknown }).trustProxy, true);
  assert.throws(() => readConfig(['--auth', 'closed'], {}), (e: unknown) => e instanceof ConfigError && /closed/.test(e.message));
  assert.throws(() => readConfig(['--trust-proxy', 'nginx.internal'], {}), ConfigError);
  assert.throws(() => readConfig(['--session-idle-timeout', '10'], {}), ConfigError);
  assert.throws(() => readConfig(['--login-rate-limit', '0/1m'], {}), ConfigError);
  assert.throws(() => readConfig([], { ALLOW_OPEN: 'maybe' }), ConfigError);
});

test('durations and rate limits', () => {
  assert.equal(parseDuration('x', '250ms'), 250);
  assert.equal(parseDuration('x', '15m'), 900_000);
  assert.equal(parseDuration('x', '7d'), 604_800_000);
  assert.deepEqual(parseRateLimit('x', '10/15m'), { max: 10, windowMs: 900_000 });
  assert.equal(parseRateLimit('x', 'off'), null);
  assert.throws(() => parseRateLimit('x', 'ten/1m'), ConfigError);
  assert.equal(isLoopbackHost('127.0.0.1'), true);
  assert.equal(isLoopbackHost('::ffff:127.0.0.1'), true);
  assert.equal(isLoopbackHost('10.0.0.1'), false);
});

test('event stream caps: flags win over variables, and zero or words are refused', () => {
  const config = readConfig(['--max-page-streams', '40'], { MAX_PAGE_STREAMS: '30', MAX_STREAMS_PER_CLIENT: '3' });
  assert.ok(config !== 'help');
  assert.deepEqual([config.maxPageStreams, config.maxStreamsPerClient], [40, 3]);
  assert.throws(() => readConfig(['--max-page-streams', '0'], {}), (e: unknown) => e instanceof ConfigError && /MAX_PAGE_STREAMS/.test(e.message));
  assert.throws(() => readConfig([], { MAX_STREAMS_PER_CLIENT: 'many' }), ConfigError);
});

test('PUBLIC_URL: origins without default ports; a path, credentials or another scheme is refused', () => {
  const config = readConfig(['--public-url', 'https://Wiki.Example.com:443/, http://host:8080'], {}) as { publicOrigins?: readonly string[] };
  assert.deepEqual(config.publicOrigins, ['https://wiki.example.com', 'http://host:8080']);
  assert.deepEqual((readConfig([], { PUBLIC_URL: 'http://lan-wiki' }) as { publicOrigins?: readonly string[] }).publicOrigins, ['http://lan-wiki']);
  for (const bad of ['wiki.example.com', 'https://wiki.example.com/wiki', 'ftp://wiki.example.com', 'https://u:p@wiki.example.com']) {
    assert.throws(() => readConfig(['--public-url', bad], {}), ConfigError, bad);
  }
});

test('metrics are off by default; --metrics-port wins over METRICS_PORT; it may not be the serving port', () => {
  const none = readConfig([], {});
  assert.ok(none !== 'help');
  assert.equal(none.metricsPort, undefined);
  const config = readConfig(['--metrics-port', '9464'], { METRICS_PORT: '9000' });
  assert.ok(config !== 'help');
  assert.equal(config.metricsPort, 9464);
  const off = readConfig([], { METRICS_PORT: 'off' });
  assert.ok(off !== 'help' && off.metricsPort === undefined);
  assert.throws(() => readConfig(['--port', '3000', '--metrics-port', '3000'], {}), (e: unknown) => e instanceof ConfigError && /METRICS_PORT/.test(e.message));
  assert.throws(() => readConfig([], { METRICS_PORT: 'ninety' }), ConfigError);
});
