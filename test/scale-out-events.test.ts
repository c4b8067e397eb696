// Change events cross processes: an editor connected to process A hears of a save made
// through process B (PostgreSQL LISTEN/NOTIFY; on SQLite with --workers, PRAGMA data_version).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { postgresServersPerSuite, postgresTestOptions } from './support/cluster.js';
import { EventStream } from './support/event-stream.js';
import { createPage, putPage } from './support/http.js';
import { type RunningServer, removeDir, startServer } from './support/server.js';

/** Saves three revisions through `writer` and expects all three on `stream`, in order. */
async function expectChangesFrom(stream: EventStream, writer: string, name: string, first: string): Promise<void> {
  let etag = first;
  const written: { revision: number; etag: string }[] = [];
  for (let i = 2; i <= 4; i++) {
    const res = await putPage(writer, name, `revision ${i}`, { 'if-match': etag, 'edit-summary': `edit ${i}` });
    assert.equal(res.status, 200);
    etag = res.headers.etag!;
    written.push({ revision: i, etag });
  }
  await stream.until(() => stream.of('change').length >= 3 || undefined, 'three change events', 10_000);
  const changes = stream.of('change').map((e) => JSON.parse(e.data) as { revision: number; etag: string; summary: string });
  assert.deepEqual(changes.map((c) => [c.revision, c.etag]), written.map((w) => [w.revision, w.etag]));
  assert.deepEqual(changes.map((c) => c.summary), ['edit 2', 'edit 3', 'edit 4']);
}

describe('two processes sharing one PostgreSQL database', postgresTestOptions(), () => {
  const postgresServers = postgresServersPerSuite();

  test('an editor on process A hears of every save made through process B', async () => {
    const servers = await postgresServers.start(2);
    const [a, b] = [servers[0]!.url, servers[1]!.url];
    const first = await createPage(b, 'Across', 'revision 1');
    const stream = await EventStream.open(`${a}/api/pages/Across/events`);
    try {
      await stream.until(() => stream.of('state')[0], 'the state event');
      await expectChangesFrom(stream, b, 'Across', first);
    } finally {
      stream.close();
    }
  });
});

describe('--workers 2 on one SQLite file', () => {
  let server: RunningServer | undefined;
  after(async () => {
    if (server) {
      await server.stop();
      removeDir(server.dataDir);
    }
  });

  // Which worker accepts a connection is the kernel's choice, so this cannot force a save onto
  // another worker; delivery between processes on one file is proven by the store contract's
  // "changes-across-instances" case. This checks the whole path in worker mode.
  test('an editor hears of every save in worker mode', async () => {
    server = await startServer({ args: ['--workers', '2'] });
    const first = await createPage(server.url, 'Workers', 'revision 1');
    const stream = await EventStream.open(`${server.url}/api/pages/Workers/events`);
    try {
      await stream.until(() => stream.of('state')[0], 'the state event');
      await expectChangesFrom(stream, server.url, 'Workers', first);
    } finally {
      stream.close();
    }
  });
});
