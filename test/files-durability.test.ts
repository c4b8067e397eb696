// kill -9 during uploads, on both stores: after a restart, every upload that got a 2xx is
// there with its exact bytes; an upload cut off mid-body is neither listed nor served; one in
// flight at the kill is either wholly there or absent.
import assert from 'node:assert/strict';
import http from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { postgresTestOptions } from './support/cluster.js';
import { closeSchemas, etagOf, fileUrl, putFile, STORES } from './support/files.js';
import { request } from './support/http.js';
import { removeDir, startServer, tempDir } from './support/server.js';

after(closeSchemas);

function contentOf(name: string): Buffer {
  // ~300 KiB: two chunks, so a cut-off upload would leave a chunk staged.
  const bytes = Buffer.alloc(300 * 1024 + name.length);
  bytes.write(name.repeat(Math.ceil(bytes.length / name.length)).slice(0, bytes.length));
  return bytes;
}

/** Sends a body that never ends: 64 KiB pieces up to `bytes`, then waits (the kill ends it). */
function startEndlessUpload(url: string, bytes: number): Promise<void> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', 'if-none-match': '*', 'transfer-encoding': 'chunked' } });
    req.on('error', () => undefined);
    req.on('response', () => undefined);
    let sent = 0;
    const piece = Buffer.alloc(64 * 1024, 0x61);
    const next = () => {
      while (sent < bytes) {
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', next);
      }
      resolve();
    };
    next();
  });
}

function stagedRows(dataDir: string): number {
  const db = new Database(join(dataDir, 'midair.sqlite3'));
  try {
    return (db.prepare('SELECT count(*) AS n FROM file_chunks c JOIN file_contents f ON f.id = c.content_id WHERE f.staged_ms IS NOT NULL').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

for (const store of STORES) {
  describe(`kill -9 during uploads: ${store.name}`, store.name === 'PostgreSQL' ? postgresTestOptions() : {}, () => {
    it('loses no acknowledged upload, and never lists or serves a partial one', async () => {
      const dataDir = tempDir();
      const env = await store.env();
      let server = await startServer({ dataDir, env });
      try {
        const acknowledged: string[] = [];
        const attempted: string[] = [];
        let stop = false;
        const writers = Array.from({ length: 3 }, async (_, w) => {
          for (let i = 0; !stop; i++) {
            const name = `ack-${w}-${i}`;
            attempted.push(name);
            try {
              const res = await putFile(server.url, name, contentOf(name), { 'if-none-match': '*' });
              if (res.status === 201) acknowledged.push(name);
            } catch {
              return; // the connection died with the server
            }
          }
        });
        await startEndlessUpload(fileUrl(server.url, 'partial.bin'), 3 * 1024 * 1024);
        while (acknowledged.length < 10) await sleep(20);
        await server.kill();
        stop = true;
        await Promise.all(writers);

        // The cut-off upload had chunks staged when the process died.
        if (store.name === 'SQLite') assert.ok(stagedRows(dataDir) > 0, 'the kill came mid-upload');
        server = await startServer({ dataDir, env });
        for (const name of acknowledged) {
          const res = await request(fileUrl(server.url, name));
          assert.equal(res.status, 200, `${name} was acknowledged`);
          assert.equal(res.headers.etag, etagOf(contentOf(name)));
          assert.ok(res.body.equals(contentOf(name)));
        }
        for (const name of attempted.filter((n) => !acknowledged.includes(n))) {
          const res = await request(fileUrl(server.url, name));
          assert.ok(res.status === 404 || res.body.equals(contentOf(name)), `${name} is absent or whole`);
        }
        assert.equal((await request(fileUrl(server.url, 'partial.bin'))).status, 404);
        const listed = (await request(`${server.url}/api/files?limit=1000`)).json<{ files: { name: string; size: number }[] }>().files;
        assert.ok(!listed.some((f) => f.name === 'partial.bin'));
        assert.ok(listed.every((f) => f.size === contentOf(f.name).length), 'every listed file is whole');
        // A lone process sweeps at open whatever a dead one staged.
        if (store.name === 'SQLite') assert.equal(stagedRows(dataDir), 0, 'staged rows left after the restart');
        // Its name is free: the cut-off upload committed nothing.
        assert.equal((await putFile(server.url, 'partial.bin', 'now', { 'if-none-match': '*' })).status, 201);
      } finally {
        await server.stop();
        removeDir(dataDir);
      }
    });
  });
}
