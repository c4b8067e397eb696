// Several processes, one store: preconditions stay exactly as strong as with one.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { appendLines, totals } from './support/appenders.js';
import { assertAppendsIntact, postgresServersPerSuite, postgresTestOptions } from './support/cluster.js';
import { createPage, getPage } from './support/http.js';
import { type RunningServer, removeDir, startServer } from './support/server.js';

const PAGES = ['Shared 0', 'Shared 1', 'Shared 2'];

async function raceAppends(urls: readonly string[]) {
  for (const name of PAGES) await createPage(urls[0]!, name, '');
  // 30 clients, 10 lines each, spread over the servers and the pages.
  const clients = Array.from({ length: 30 }, (_, c) => {
    const rotated = [...urls.slice(c % urls.length), ...urls.slice(0, c % urls.length)];
    return appendLines(rotated, PAGES[c % PAGES.length]!, `client${c}`, 10, { deadline: 300_000 });
  });
  return Promise.all(clients);
}

describe('three server processes sharing one PostgreSQL database', postgresTestOptions(), () => {
  const postgresServers = postgresServersPerSuite();

  test('30 clients doing read-modify-write appends over all three: every line exactly once', async () => {
    const servers = await postgresServers.start(3);
    const urls = servers.map((s) => s.url);
    const stats = await raceAppends(urls);
    assert.deepEqual(totals(stats).otherStatuses, {}, 'every answer was 200 or 412');
    assert.ok(totals(stats).conflicts > 0, 'the processes really raced');
    await assertAppendsIntact(urls[0]!, PAGES, stats, 300);
    // Every process hands out the same validators for the same revision.
    const tags = await Promise.all(urls.map(async (u) => (await getPage(u, 'Shared 0')).headers.etag));
    assert.equal(new Set(tags).size, 1);
  });
});

describe('--workers 3 on one SQLite file', () => {
  let server: RunningServer | undefined;
  after(async () => {
    if (server) {
      assert.equal(await server.stop(), 0, 'the supervisor and its workers exit cleanly on SIGTERM');
      removeDir(server.dataDir);
    }
  });

  test('30 clients doing read-modify-write appends: every line exactly once', async () => {
    server = await startServer({ args: ['--workers', '3'] });
    assert.match(server.output(), /3 workers/);
    const stats = await raceAppends([server.url]);
    assert.deepEqual(totals(stats).otherStatuses, {}, 'every answer was 200 or 412');
    await assertAppendsIntact(server.url, PAGES, stats, 300);
  });
});
