// What an operator's tools see: the liveness and readiness probes, Prometheus metrics on their
// own port, and a taken port reported in one line. Real processes over real HTTP.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { postgresTestOptions, serverSchema } from './support/cluster.js';
import { createPage, getPage, putPage } from './support/http.js';
import { TestSchemas, testDatabaseUrl } from './support/postgres.js';
import { removeDir, type RunningServer, serverPerSuite, startServer, tempDir } from './support/server.js';

const MAIN = join(import.meta.dirname, '..', 'dist', 'main.js');

describe('probes in private mode', () => {
  const suite = serverPerSuite({ args: ['--auth', 'private'] });

  test('the start line names the access mode and the store', () => {
    assert.match(suite.server.output(), /midair listening on http:\/\/\S+ \(private access, SQLite in /);
  });

  for (const [path, status] of [['/healthz', 'alive'], ['/readyz', 'ready']] as const) {
    test(`GET ${path} answers 200 without signing in, and is never stored by a cache`, async () => {
      const response = await fetch(`${suite.url}${path}`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.deepEqual(await response.json(), { status });
    });
  }

  test('the pages themselves still need a sign-in', async () => {
    assert.equal((await getPage(suite.url, 'Home')).status, 401);
  });
});

/** Each sample line of a Prometheus text exposition, by its name and labels. */
async function scrape(url: string): Promise<Map<string, number>> {
  const response = await fetch(url);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    const match = /^(\w+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}

describe('metrics on --metrics-port', () => {
  const suite = serverPerSuite({ args: ['--metrics-port', '0'] });
  const metricsUrl = () => /metrics at (http:\/\/\S+\/metrics)/.exec(suite.server.output())![1]!;

  test('the counters move by one for a 304, a 412 and a 428; writes report their batch and commit time', async () => {
    const etag = await createPage(suite.url, 'Counted', 'one\n');
    const before = await scrape(metricsUrl());
    const count = (name: string) => (after: Map<string, number>) => (after.get(name) ?? 0) - (before.get(name) ?? 0);

    assert.equal((await getPage(suite.url, 'Counted', { 'if-none-match': etag })).status, 304);
    assert.equal((await putPage(suite.url, 'Counted', 'two\n', { 'if-match': '"stale"' })).status, 412);
    assert.equal((await putPage(suite.url, 'Counted', 'two\n')).status, 428);
    assert.equal((await putPage(suite.url, 'Counted', 'two\n', { 'if-match': etag })).status, 200);
    const after = await scrape(metricsUrl());

    for (const status of ['304', '412', '428']) assert.equal(count(`midair_conditional_responses_total{status="${status}"}`)(after), 1, status);
    assert.equal(count('midair_http_requests_total{route="/api/pages/:name",method="GET",status="304"}')(after), 1);
    assert.equal(count('midair_http_requests_total{route="/api/pages/:name",method="PUT",status="200"}')(after), 1);
    assert.equal(count('midair_write_batch_size_count')(after), 1);
    assert.equal(count('midair_write_commit_seconds_count')(after), 1);
    assert.equal(after.get('midair_event_streams_open'), 0);
  });

  test('an open event stream is counted while it is open', async () => {
    await createPage(suite.url, 'Streamed', 'x\n');
    const controller = new AbortController();
    const stream = await fetch(`${suite.url}/api/pages/Streamed/events`, { signal: controller.signal });
    assert.equal(stream.status, 200);
    assert.equal((await scrape(metricsUrl())).get('midair_event_streams_open'), 1);
    controller.abort();
    let open = 1;
    for (let i = 0; i < 50 && open !== 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      open = (await scrape(metricsUrl())).get('midair_event_streams_open') ?? -1;
    }
    assert.equal(open, 0);
  });

  test('metrics are not served on the public port', async () => {
    assert.equal((await fetch(`${suite.url}/metrics`)).status, 404);
  });
});

describe('metrics with --workers 2', () => {
  const suite = serverPerSuite({ args: ['--workers', '2', '--metrics-port', '0'] });

  test('the primary serves the sum of both workers\' counters', async () => {
    const metricsUrl = /metrics at (http:\/\/\S+\/metrics)/.exec(suite.server.output())![1]!;
    const etag = await createPage(suite.url, 'Summed', 'x\n');
    // New connections, so the kernel spreads them over both workers; the sum is what counts.
    for (let i = 0; i < 20; i++) assert.equal((await getPage(suite.url, 'Summed', { 'if-none-match': etag, connection: 'close' })).status, 304);
    const samples = await scrape(metricsUrl);
    assert.equal(samples.get('midair_conditional_responses_total{status="304"}'), 20);
    assert.equal(samples.get('midair_write_batch_size_count'), 1);
  });
});

describe('a taken port', () => {
  let first: RunningServer | undefined;
  const dataDir = tempDir();
  after(async () => {
    await first?.stop();
    if (first) removeDir(first.dataDir);
    removeDir(dataDir);
  });

  test('a second server on the same port prints one clear line and exits non-zero', async () => {
    first = await startServer();
    const port = new URL(first.url).port;
    const second = spawn(process.execPath, [MAIN, '--port', port, '--data-dir', dataDir], { env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    second.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    second.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    assert.equal(code, 3);
    assert.equal(stdout, '');
    assert.equal(stderr, `midair: port ${port} on 127.0.0.1 is already in use (EADDRINUSE); choose another with --port\n`);
    // The first one is unharmed.
    assert.equal((await fetch(`${first.url}/healthz`)).status, 200);
  });
});

describe('readiness when PostgreSQL is unreachable', postgresTestOptions(), () => {
  const schemas = new TestSchemas(testDatabaseUrl());
  const sockets = new Set<net.Socket>();
  // A TCP relay to PostgreSQL that the test can cut, as a network partition or a stopped database would.
  const relay = net.createServer((client) => {
    const upstream = net.connect(5432, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined).on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  let server: RunningServer | undefined;
  after(async () => {
    await server?.kill();
    if (server) removeDir(server.dataDir);
    relay.close();
    for (const socket of sockets) socket.destroy();
    await schemas.close();
  });

  test('/readyz is 200 while the store answers and 503 problem+json once it cannot; /healthz stays 200', async () => {
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const url = new URL(await serverSchema(schemas));
    url.port = String((relay.address() as net.AddressInfo).port);
    server = await startServer({ env: { DATABASE_URL: url.toString() }, args: ['--metrics-port', '0'] });
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
    // The pool's use is among the metrics on PostgreSQL.
    const pool = await scrape(/metrics at (http:\/\/\S+\/metrics)/.exec(server.output())![1]!);
    assert.ok((pool.get('midair_db_pool_connections') ?? 0) >= 1, 'open pool connections');
    assert.equal(pool.get('midair_db_pool_waiting'), 0);

    relay.close();
    for (const socket of sockets) socket.destroy();
    const response = await fetch(`${server.url}/readyz`);
    assert.equal(response.status, 503);
    assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const problem = (await response.json()) as { code: string; detail: string };
    assert.equal(problem.code, 'store-unavailable');
    assert.match(problem.detail, /^Not ready: /);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });
});
