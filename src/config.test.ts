import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseSize, readConfig } from './config.js';

test('defaults serve on 127.0.0.1:3000 with data in ./data and a 1 MiB body limit', () => {
  assert.deepEqual(readConfig([], {}), { port: 3000, host: '127.0.0.1', dataDir: './data', logLevel: 'info', bodyLimit: 1048576, workers: 1, requestTimeout: 30000, dbPoolSize: 10, dbStatementTimeout: 5000 });
});

test('environment variables set every setting', () => {
  const config = readConfig([], { PORT: '4000', HOST: '0.0.0.0', DATA_DIR: '/tmp/x', LOG_LEVEL: 'warn', BODY_LIMIT: '2MiB', DATABASE_URL: 'postgres://u@h/db', WORKERS: '3', REQUEST_TIMEOUT: '9000', DB_POOL_SIZE: '4', DB_STATEMENT_TIMEOUT: '2000' });
  assert.deepEqual(config, { port: 4000, host: '0.0.0.0', dataDir: '/tmp/x', logLevel: 'warn', bodyLimit: 2 * 1048576, databaseUrl: 'postgres://u@h/db', workers: 3, requestTimeout: 9000, dbPoolSize: 4, dbStatementTimeout: 2000 });
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
