// kill -9 in the middle of a stream of writes: every write that got a 2xx survives.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { getPage, putPage, request } from './support/http.js';
import { removeDir, startServer, tempDir } from './support/server.js';

interface Acknowledged {
  readonly name: string;
  readonly revision: number;
  readonly content: string;
}

test('SIGKILL during concurrent creates and conditional updates loses no acknowledged write and corrupts nothing', async () => {
  const dataDir = tempDir();
  try {
    const acknowledged: Acknowledged[] = [];
    // The write each writer had in flight when the process died: committed or not, nobody was told.
    const inFlight = new Map<string, string>();
    for (let round = 0; round < 4; round++) {
      const server = await startServer({ dataDir });
      let stop = false;
      const writers = Array.from({ length: 8 }, async (_, w) => {
        const name = `Page ${w}`;
        for (let i = 0; !stop; i++) {
          const current = await getPage(server.url, name).catch(() => undefined);
          if (!current) return;
          const content = `round ${round} writer ${w} write ${i}\n`.repeat(1 + (i % 50));
          const headers: Record<string, string> = current.status === 200 ? { 'if-match': current.headers.etag! } : { 'if-none-match': '*' };
          inFlight.set(name, content);
          const res = await putPage(server.url, name, content, headers).catch(() => undefined);
          if (!res) return;
          if (res.status === 200 || res.status === 201) {
            acknowledged.push({ name, revision: res.json<{ revision: number }>().revision, content });
            inFlight.delete(name);
          }
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 250 + round * 100));
      await server.kill();
      stop = true;
      await Promise.all(writers);
    }
    assert.ok(acknowledged.length >= 40, `writes were acknowledged before the kills (${acknowledged.length})`);

    const server = await startServer({ dataDir });
    try {
      for (const ack of acknowledged) {
        const res = await request(`${server.url}/api/pages/${encodeURIComponent(ack.name)}/revisions/${ack.revision}`);
        assert.equal(res.status, 200, `${ack.name} revision ${ack.revision}`);
        assert.equal(res.text(), ack.content, `${ack.name} revision ${ack.revision} is byte for byte what was acknowledged`);
      }
      for (let w = 0; w < 8; w++) {
        const name = `Page ${w}`;
        const last = acknowledged.filter((a) => a.name === name).at(-1);
        if (!last) continue;
        const text = (await getPage(server.url, name)).text();
        assert.ok(text === last.content || text === inFlight.get(name), `${name} holds its last acknowledged write or the one in flight`);
      }
    } finally {
      await server.stop();
    }
    const db = new Database(join(dataDir, 'midair.sqlite3'), { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      // History has no gap: revisions 1..n exist for every page.
      const gaps = db.prepare('SELECT name, count(*) AS n, max(revision) AS top FROM revisions GROUP BY name HAVING n <> top').all();
      assert.deepEqual(gaps, []);
      const mismatched = db
        .prepare('SELECT p.name FROM pages p JOIN revisions r ON r.name = p.name AND r.revision = p.revision WHERE r.etag IS NOT p.etag')
        .all();
      assert.deepEqual(mismatched, []);
    } finally {
      db.close();
    }
  } finally {
    removeDir(dataDir);
  }
});
