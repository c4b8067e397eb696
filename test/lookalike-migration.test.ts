// A SQLite store made before look-alike names were refused, already holding a look-alike pair:
// after the migration both pages keep working, and no new look-alike of them can be made.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../src/storage/sqlite/schema.js';
import { SqlitePageStore } from '../src/storage/sqlite/sqlite-store.js';

const BEFORE_NAME_KEYS = 5;

it('an existing look-alike pair keeps working after the migration; a third look-alike is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'midair-lookalike-'));
  try {
    const file = join(dir, 'midair.sqlite3');
    const db = new Database(file);
    migrate(db, BEFORE_NAME_KEYS);
    const page = db.prepare("INSERT INTO pages (name, revision, deleted, etag, modified_ms, date_shared, size) VALUES (?, 1, 0, '\"e\"', 1, 0, 1)");
    const revision = db.prepare("INSERT INTO revisions (name, revision, deleted, etag, modified_ms, date_shared, size, summary, author, content) VALUES (?, 1, 0, '\"e\"', 1, 0, 1, '', 'before', 'x')");
    for (const name of ['foo', 'Foo', 'Bar']) {
      page.run(name);
      revision.run(name);
    }
    db.close();
    const store = new SqlitePageStore(file);
    try {
      for (const name of ['Foo', 'foo']) assert.equal((await store.put(name, `${name} edited\n`, 1, { summary: '', author: 't' })).ok, true, name);
      // "Foo" comes first in code-point order, so it holds the key.
      assert.deepEqual(await store.put('FOO', 'x', 0, { summary: '', author: 't' }), { ok: false, reason: 'lookalike', existing: 'Foo' });
      assert.deepEqual(await store.put('bar', 'x', 0, { summary: '', author: 't' }), { ok: false, reason: 'lookalike', existing: 'Bar' });
      assert.equal((await store.put('Baz', 'x', 0, { summary: '', author: 't' })).ok, true);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
