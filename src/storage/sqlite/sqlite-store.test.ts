// SQLite-specific behaviour beyond the store contract: the lock of a lone process, and the
// validator cache staying exact when processes share the file.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { StoreInUseError } from './file-lock.js';
import { SqlitePageStore } from './sqlite-store.js';

const info = { summary: '', author: 'test' };
const dirs: string[] = [];
function freshFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'midair-sqlite-'));
  dirs.push(dir);
  return join(dir, 'midair.sqlite3');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

test('a lone store holds a lock file: a second lone store on the same file is refused with a clear error', async () => {
  const file = freshFile();
  const first = new SqlitePageStore(file);
  try {
    assert.ok(existsSync(`${file}.lock`));
    assert.throws(() => new SqlitePageStore(file), (error: unknown) => error instanceof StoreInUseError && /--workers/.test(error.message));
  } finally {
    await first.close();
  }
  assert.ok(!existsSync(`${file}.lock`), 'released on close');
  const again = new SqlitePageStore(file);
  await again.close();
});

test('a lock left by a dead process (kill -9) is taken over', async () => {
  const file = freshFile();
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10)']);
  const deadPid = child.pid!;
  await new Promise((resolve) => child.once('exit', resolve));
  writeFileSync(`${file}.lock`, String(deadPid));
  const store = new SqlitePageStore(file);
  await store.close();
});

test("a lone store's cache serves its own writes at once", async () => {
  const store = new SqlitePageStore(freshFile());
  try {
    assert.equal((await store.head('A')).exists, false);
    const created = await store.put('A', 'one', 0, info);
    assert.ok(created.ok);
    assert.equal((await store.head('A')).etag, created.state.etag);
    const replaced = await store.put('A', 'two', 1, info);
    assert.ok(replaced.ok);
    assert.equal((await store.head('A')).revision, 2);
    assert.ok((await store.delete('A', 2, info)).ok);
    assert.equal((await store.head('A')).exists, false);
  } finally {
    await store.close();
  }
});

test('shared stores never serve a validator another process has replaced (data_version)', async () => {
  const file = freshFile();
  const a = new SqlitePageStore(file, { shared: true });
  const b = new SqlitePageStore(file, { shared: true });
  try {
    assert.ok((await a.put('Page', 'v1', 0, info)).ok);
    const seen = await b.head('Page'); // now cached in b
    assert.equal(seen.revision, 1);
    const written = await a.put('Page', 'v2', 1, info);
    assert.ok(written.ok);
    const fresh = await b.head('Page');
    assert.equal(fresh.revision, 2);
    assert.equal(fresh.etag, written.state.etag);
  } finally {
    await a.close();
    await b.close();
  }
});
