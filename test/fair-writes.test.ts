// Fair writes over HTTP (issue 13, item 8): while 16 clients of one importer (another address,
// so another writer) create pages as fast as they can, several requests at a time each, another
// person's saves complete while the import is still running, each committed behind a bounded
// number of import pages, however long the import's queue; the import loses nothing and still
// makes progress. Orders and counts, never a time. On SQLite and on PostgreSQL.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, describe, it } from 'node:test';
import { serverSchema, postgresTestOptions } from './support/cluster.js';
import { putPage, request } from './support/http.js';
import { TestSchemas, testDatabaseUrl } from './support/postgres.js';
import { removeDir, type RunningServer, startServer } from './support/server.js';

const IMPORTERS = 16;
/** Requests each importing client keeps open: 128 pages (7 MiB) waiting at once. */
const DEPTH = 8;
const PAGES_EACH = 64;
const PAGE = 'imported text '.repeat(4 * 1024); // 56 KiB
/** 512 KiB batches hold 9 such pages; a writer's share of a batch others wait in (128 KiB), 2. */
const PAGES_PER_BATCH = 9;
const PAGES_PER_SHARE = 2;

/**
 * The most import pages, not yet answered when a save was sent, that may commit ahead of it.
 * The scheduler itself allows the batches already under way (one on SQLite, where a batch holds
 * the event loop; two on PostgreSQL), the importer's share of the save's own batch, and the
 * share of the previous save's batch (group-commit.test.ts checks exactly that, in-process).
 * Over HTTP, "sent" is not "queued": on a loaded machine the server may read import requests
 * that arrive after the save before it reads the save, so this bound allows one more batch per
 * batch under way. Served first-come in batches of up to 64 writes (before batches were bounded
 * and writers took turns), a save could wait behind the whole 128-page backlog.
 */
const mostAhead = (batchesUnderWay: number) => 2 * batchesUnderWay * PAGES_PER_BATCH + 2 * PAGES_PER_SHARE;

/** The importer connects from 127.0.0.2: to the server, another writer than the person at 127.0.0.1. */
const importerAgent = new http.Agent({ keepAlive: true, maxSockets: IMPORTERS * DEPTH, localAddress: '127.0.0.2' });
function importPage(base: string, name: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/api/pages/${encodeURIComponent(name)}`, {
      method: 'PUT',
      agent: importerAgent,
      headers: { 'content-type': 'text/markdown; charset=utf-8', 'if-none-match': '*' },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(PAGE);
  });
}

/** Every change's sequence by page and revision. */
async function sequences(base: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  let next: number | null | undefined;
  do {
    const res = await request(`${base}/api/changes?limit=1000${next ? `&before=${next}` : ''}`);
    assert.equal(res.status, 200);
    const page = res.json<{ changes: { sequence: number; name: string; revision: number }[]; next: number | null }>();
    for (const change of page.changes) found.set(`${change.name}#${change.revision}`, change.sequence);
    next = page.next;
  } while (next);
  return found;
}

async function fairness(server: RunningServer, batchesUnderWay: number): Promise<void> {
  const base = server.url;
  const answered = new Set<string>();
  let importersDone = 0;
  const importers = Array.from({ length: IMPORTERS }, async (_, client) => {
    await Promise.all(Array.from({ length: DEPTH }, async (_, lane) => {
      for (let i = lane; i < PAGES_EACH; i += DEPTH) {
        const name = `Import ${client} ${i}`;
        const imported = await importPage(base, name);
        assert.equal(imported.status, 201, imported.body);
        answered.add(name);
      }
    }));
    importersDone++;
  });
  // An importer that failed ends the test with its reason, rather than leave it waiting below.
  let failed: unknown;
  const settled = Promise.all(importers).catch((error: unknown) => {
    failed = error;
  });
  // The import is under way, its queue long, before the person saves.
  while (answered.size < IMPORTERS * DEPTH && failed === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
  if (failed !== undefined) throw failed;
  const created = await putPage(base, 'Minutes', 'first', { 'if-none-match': '*' });
  assert.equal(created.status, 201);
  let etag = String(created.headers.etag);
  const answeredAtSend: Set<string>[] = [];
  for (let i = 0; i < 5; i++) {
    answeredAtSend.push(new Set(answered));
    const saved = await putPage(base, 'Minutes', `save ${i}`, { 'if-match': etag });
    assert.equal(saved.status, 200, saved.text());
    etag = String(saved.headers.etag);
    assert.equal(importersDone, 0, `save ${i} completed while every importer was still importing`);
  }
  const answeredAtLastSave = answered.size;
  await settled;
  if (failed !== undefined) throw failed;
  assert.equal(answered.size, IMPORTERS * PAGES_EACH, 'the import lost nothing');
  assert.ok(answeredAtLastSave < IMPORTERS * PAGES_EACH, 'the saves did not wait for the import to end');

  const sequence = await sequences(base);
  const imports = [...sequence].filter(([key]) => key.startsWith('Import '));
  assert.equal(imports.length, IMPORTERS * PAGES_EACH);
  answeredAtSend.forEach((before, i) => {
    const saveSequence = sequence.get(`Minutes#${i + 2}`)!;
    const ahead = imports.filter(([key, seq]) => seq < saveSequence && !before.has(key.slice(0, key.indexOf('#')))).length;
    assert.ok(ahead <= mostAhead(batchesUnderWay), `save ${i}: ${ahead} import pages committed ahead of it after it was sent (at most ${mostAhead(batchesUnderWay)})`);
  });
}

describe('a save during a 16-client bulk import', () => {
  after(() => importerAgent.destroy());

  it('on SQLite: every save completes while the import is still running, behind a bounded part of it', async () => {
    const server = await startServer();
    try {
      await fairness(server, 1);
    } finally {
      await server.stop();
      removeDir(server.dataDir);
    }
  });

  describe('on PostgreSQL', postgresTestOptions(), () => {
    const schemas = new TestSchemas(testDatabaseUrl());
    after(async () => schemas.close());
    it('every save completes while the import is still running, behind a bounded part of it', async () => {
      const server = await startServer({ env: { DATABASE_URL: await serverSchema(schemas) } });
      try {
        await fairness(server, 2);
      } finally {
        await server.stop();
        removeDir(server.dataDir);
      }
    });
  });
});
