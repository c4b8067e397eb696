// Fair writes over HTTP (issue 13, item 8): while 16 clients import pages as fast as they can,
// another person's saves still complete, each while the import is still running, and the
// import loses nothing. Progress and order, never a time. On SQLite and on PostgreSQL.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { serverSchema, postgresTestOptions } from './support/cluster.js';
import { putPage } from './support/http.js';
import { TestSchemas, testDatabaseUrl } from './support/postgres.js';
import { removeDir, type RunningServer, startServer } from './support/server.js';

const IMPORTERS = 16;
const PAGES_EACH = 60;
const PAGE = 'imported text '.repeat(4 * 1024); // 56 KiB

async function fairness(server: RunningServer): Promise<void> {
  const base = server.url;
  let imported = 0;
  let importersDone = 0;
  const importers = Array.from({ length: IMPORTERS }, async (_, client) => {
    for (let i = 0; i < PAGES_EACH; i++) {
      const res = await putPage(base, `Import ${client} ${i}`, PAGE, { 'if-none-match': '*' });
      assert.equal(res.status, 201, res.text());
      imported++;
    }
    importersDone++;
  });
  // The import is under way before the person saves.
  while (imported < IMPORTERS) await new Promise((resolve) => setTimeout(resolve, 5));
  const created = await putPage(base, 'Minutes', 'first', { 'if-none-match': '*' });
  assert.equal(created.status, 201);
  let etag = String(created.headers.etag);
  const importedAtEachSave: number[] = [];
  for (let i = 0; i < 5; i++) {
    const saved = await putPage(base, 'Minutes', `save ${i}`, { 'if-match': etag });
    assert.equal(saved.status, 200, saved.text());
    etag = String(saved.headers.etag);
    assert.equal(importersDone, 0, `save ${i} completed while every importer was still importing`);
    importedAtEachSave.push(imported);
  }
  await Promise.all(importers);
  assert.equal(imported, IMPORTERS * PAGES_EACH, 'the import lost nothing');
  assert.ok(importedAtEachSave.at(-1)! < IMPORTERS * PAGES_EACH, 'the saves did not wait for the import to end');
}

describe('a save during a 16-client bulk import', () => {
  it('on SQLite: every save completes while the import is still running', async () => {
    const server = await startServer();
    try {
      await fairness(server);
    } finally {
      await server.stop();
      removeDir(server.dataDir);
    }
  });

  describe('on PostgreSQL', postgresTestOptions(), () => {
    const schemas = new TestSchemas(testDatabaseUrl());
    after(async () => schemas.close());
    it('every save completes while the import is still running', async () => {
      const server = await startServer({ env: { DATABASE_URL: await serverSchema(schemas) } });
      try {
        await fairness(server);
      } finally {
        await server.stop();
        removeDir(server.dataDir);
      }
    });
  });
});
