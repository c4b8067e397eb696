// The FileStore contract: one table of named cases, run on SQLite (a file on disk) and on
// PostgreSQL (a schema of its own per case).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FILE_CHUNK_BYTES, type FileState, type FileStore, type FileWriteResult, type StagedContent } from '../src/storage/files.js';
import type { FileStoreOptions } from '../src/storage/file-store.js';
import { openPostgresFileStore } from '../src/storage/postgres/file-dialect.js';
import { openSqliteFileStore } from '../src/storage/sqlite/file-dialect.js';
import { type Backing, backingOf, postgresVerdict } from './support/backing.js';
import { probePostgres, TestSchemas, testDatabaseUrl } from './support/postgres.js';

interface Adapter {
  readonly name: string;
  readonly skip?: string;
  readonly failure?: string;
  fresh(): Promise<Backing<FileStore, FileStoreOptions>>;
  /** Rows of a table, counted by another connection. */
  count(backing: Backing<FileStore, FileStoreOptions>, table: string): Promise<number>;
}

const sqliteFiles = new WeakMap<object, string>();
const sqlite: Adapter = {
  name: 'SQLite',
  async fresh() {
    const dir = mkdtempSync(join(tmpdir(), 'midair-files-'));
    const file = join(dir, 'midair.sqlite3');
    const backing = backingOf<FileStore, FileStoreOptions>((options) => openSqliteFileStore(file, options), async () => rmSync(dir, { recursive: true, force: true }));
    sqliteFiles.set(backing, file);
    return backing;
  },
  async count(backing, table) {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(sqliteFiles.get(backing)!, { readonly: true });
    try {
      return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  },
};

const POSTGRES_URL = testDatabaseUrl();
const reach = await probePostgres(POSTGRES_URL, 2000);
const schemas = reach.reachable ? new TestSchemas(POSTGRES_URL) : undefined;
const postgresSchemas = new WeakMap<object, string>();
const postgres: Adapter = {
  name: 'PostgreSQL',
  ...postgresVerdict(reach),
  async fresh() {
    const schema = schemas!.next();
    const backing = backingOf<FileStore, FileStoreOptions>((options) => openPostgresFileStore({ url: POSTGRES_URL, schema, poolSize: 3, ...options }), () => schemas!.drop(schema));
    postgresSchemas.set(backing, schema);
    return backing;
  },
  async count(backing, table) {
    const [row] = await schemas!.query<{ n: string }>(`SELECT count(*) AS n FROM "${postgresSchemas.get(backing)}".${table}`);
    return Number(row!.n);
  },
};

after(async () => {
  await schemas?.close();
});

const info = (summary: string, mediaType = 'application/octet-stream', author = 'ada') => ({ summary, author, mediaType });

async function stage(store: FileStore, bytes: Buffer, pieces = 3): Promise<StagedContent> {
  const upload = store.upload();
  const step = Math.ceil(bytes.length / pieces) || 1;
  for (let offset = 0; offset < bytes.length; offset += step) await upload.write(bytes.subarray(offset, offset + step));
  return upload.finish();
}

async function readAll(store: FileStore, sha256: string, range?: { start: number; end: number }): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of store.read(sha256, range)) parts.push(part);
  return Buffer.concat(parts);
}

function committed(result: FileWriteResult): FileState {
  assert.ok(result.ok, `expected the write to commit, got ${JSON.stringify(result)}`);
  return result.state;
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface Case {
  readonly name: string;
  run(backing: Backing<FileStore, FileStoreOptions>, adapter: Adapter): Promise<void>;
}

const CASES: Case[] = [
  {
    name: 'a creation is version 1 with its hash, type and size; the bytes read back whole',
    async run(backing) {
      const store = await backing.open();
      const bytes = randomBytes(FILE_CHUNK_BYTES * 2 + 123);
      const state = committed(await store.put('photo.png', await stage(store, bytes, 7), 0, info('first', 'image/png')));
      assert.equal(state.version, 1);
      assert.equal(state.sha256, sha(bytes));
      assert.equal(state.mediaType, 'image/png');
      assert.equal(state.size, bytes.length);
      assert.deepEqual(await store.head('photo.png'), state);
      assert.ok((await readAll(store, state.sha256!)).equals(bytes));
    },
  },
  {
    name: 'create-only refuses a taken name, replace-if-match refuses a stale version',
    async run(backing) {
      const store = await backing.open();
      committed(await store.put('a.txt', await stage(store, Buffer.from('one')), 0, info('1', 'text/plain')));
      assert.deepEqual(await store.put('a.txt', await stage(store, Buffer.from('two')), 0, info('2')), { ok: false, reason: 'conflict' });
      const second = committed(await store.put('a.txt', await stage(store, Buffer.from('two')), 1, info('2', 'text/plain')));
      assert.equal(second.version, 2);
      assert.deepEqual(await store.put('a.txt', await stage(store, Buffer.from('three')), 1, info('3')), { ok: false, reason: 'conflict' });
      assert.equal((await readAll(store, (await store.head('a.txt')).sha256!)).toString(), 'two');
    },
  },
  {
    name: 'of concurrent writes expecting one version, exactly one commits',
    async run(backing) {
      const [one, two] = [await backing.open(), await backing.open()];
      committed(await one.put('race.bin', await stage(one, Buffer.from('base')), 0, info('base')));
      const contents = await Promise.all(Array.from({ length: 8 }, (_, i) => stage(i % 2 ? one : two, Buffer.from(`writer ${i}`))));
      const results = await Promise.all(contents.map((content, i) => (i % 2 ? one : two).put('race.bin', content, 1, info(`w${i}`))));
      assert.equal(results.filter((r) => r.ok).length, 1);
      assert.equal((await one.head('race.bin')).version, 2);
    },
  },
  {
    name: 'a write through another instance (another process) is seen at once, with or without a promise',
    async run(backing) {
      const [one, two] = [await backing.open(), await backing.open()];
      committed(await one.put('seen.bin', await stage(one, Buffer.from('v1')), 0, info('1')));
      assert.equal((await one.head('seen.bin')).version, 1);
      assert.equal(one.currentHead?.('seen.bin').version ?? 1, 1);
      committed(await two.put('seen.bin', await stage(two, Buffer.from('v2')), 1, info('2')));
      assert.equal((await one.head('seen.bin')).version, 2);
      if (one.currentHead) assert.equal(one.currentHead('seen.bin').sha256, sha(Buffer.from('v2')));
    },
  },
  {
    name: 'the same bytes are stored once, under any number of names and versions',
    async run(backing, adapter) {
      const store = await backing.open();
      const bytes = randomBytes(FILE_CHUNK_BYTES + 10);
      committed(await store.put('one', await stage(store, bytes), 0, info('a')));
      committed(await store.put('two', await stage(store, bytes), 0, info('b')));
      committed(await store.put('one', await stage(store, Buffer.from('other')), 1, info('c')));
      committed(await store.put('one', await stage(store, bytes), 2, info('d')));
      assert.equal(await adapter.count(backing, 'file_contents'), 2);
      assert.equal(await adapter.count(backing, 'file_chunks'), 3);
    },
  },
  {
    name: 'a range reads only the bytes asked for, across chunk boundaries',
    async run(backing) {
      const store = await backing.open();
      const bytes = randomBytes(FILE_CHUNK_BYTES * 5 + 7);
      const { sha256 } = committed(await store.put('big', await stage(store, bytes), 0, info('big')));
      for (const [start, end] of [[0, 0], [FILE_CHUNK_BYTES - 1, FILE_CHUNK_BYTES], [10, FILE_CHUNK_BYTES * 4 + 3], [bytes.length - 7, bytes.length - 1], [FILE_CHUNK_BYTES * 5, FILE_CHUNK_BYTES * 5 + 6]]) {
        assert.ok((await readAll(store, sha256!, { start: start!, end: end! })).equals(bytes.subarray(start!, end! + 1)), `range ${start}-${end}`);
      }
    },
  },
  {
    name: 'an empty file is a version like any other',
    async run(backing) {
      const store = await backing.open();
      const state = committed(await store.put('empty', await store.upload().finish(), 0, info('empty', 'text/plain')));
      assert.equal(state.size, 0);
      assert.equal((await readAll(store, state.sha256!)).length, 0);
    },
  },
  {
    name: 'a deletion is a version; history keeps every version, newest first, with author and summary',
    async run(backing) {
      const store = await backing.open();
      committed(await store.put('doc.pdf', await stage(store, Buffer.from('%PDF-1 one')), 0, info('one', 'application/pdf', 'ada')));
      committed(await store.put('doc.pdf', await stage(store, Buffer.from('%PDF-1 two')), 1, info('two', 'application/pdf', 'bob')));
      assert.deepEqual(await store.delete('doc.pdf', 1, info('stale')), { ok: false, reason: 'conflict' });
      const deleted = committed(await store.delete('doc.pdf', 2, info('gone')));
      assert.equal(deleted.exists, false);
      assert.deepEqual(await store.delete('doc.pdf', 3, info('again')), { ok: false, reason: 'conflict' });
      const versions = await store.versions('doc.pdf', { limit: 10 });
      assert.deepEqual(versions.map((v) => [v.version, v.deleted, v.summary, v.author]), [[3, true, 'gone', 'ada'], [2, false, 'two', 'bob'], [1, false, 'one', 'ada']]);
      assert.deepEqual((await store.versions('doc.pdf', { before: 3, limit: 1 })).map((v) => v.version), [2]);
      const first = await store.version('doc.pdf', 1);
      assert.equal((await readAll(store, first!.sha256!)).toString(), '%PDF-1 one');
      assert.equal(await store.version('doc.pdf', 9), undefined);
      // Re-created after its deletion: the name's next version.
      assert.equal(committed(await store.put('doc.pdf', await stage(store, Buffer.from('x')), 3, info('back'))).version, 4);
    },
  },
  {
    name: 'a look-alike of an existing name is refused and names the holder',
    async run(backing) {
      const store = await backing.open();
      committed(await store.put('Logo.png', await stage(store, Buffer.from('a')), 0, info('a')));
      assert.deepEqual(await store.put('logo.PNG', await stage(store, Buffer.from('b')), 0, info('b')), { ok: false, reason: 'lookalike', existing: 'Logo.png' });
    },
  },
  {
    name: 'list gives current files in name order, a page at a time',
    async run(backing) {
      const store = await backing.open();
      for (const name of ['c', 'a', 'b', 'd']) committed(await store.put(name, await stage(store, Buffer.from(name)), 0, info(name)));
      committed(await store.delete('b', 1, info('gone')));
      const first = await store.list({ limit: 2 });
      assert.deepEqual([first.files.map((f) => f.name), first.more], [['a', 'c'], true]);
      const rest = await store.list({ after: 'c', limit: 2 });
      assert.deepEqual([rest.files.map((f) => f.name), rest.more], [['d'], false]);
    },
  },
  {
    name: 'a discarded or refused upload leaves nothing behind once discarded',
    async run(backing, adapter) {
      const store = await backing.open();
      const upload = store.upload();
      await upload.write(randomBytes(FILE_CHUNK_BYTES * 2));
      await upload.discard();
      committed(await store.put('x', await stage(store, Buffer.from('x')), 0, info('x')));
      const refused = store.upload();
      await refused.write(randomBytes(FILE_CHUNK_BYTES + 1));
      assert.deepEqual(await store.put('x', await refused.finish(), 0, info('late')), { ok: false, reason: 'conflict' });
      await refused.discard();
      assert.equal(await adapter.count(backing, 'file_contents'), 1);
      assert.equal(await adapter.count(backing, 'file_chunks'), 1);
    },
  },
  {
    name: 'staged uploads abandoned by a dead process are dropped at open, never listed or served',
    async run(backing, adapter) {
      let now = 1_000_000_000_000;
      const store = await backing.open({ clock: () => now });
      const abandoned = store.upload();
      await abandoned.write(randomBytes(FILE_CHUNK_BYTES * 3));
      assert.equal((await store.list({ limit: 10 })).files.length, 0);
      assert.ok((await adapter.count(backing, 'file_chunks')) >= 3);
      now += 2 * 3_600_000;
      await backing.open({ clock: () => now });
      assert.equal(await adapter.count(backing, 'file_chunks'), 0);
      assert.equal(await adapter.count(backing, 'file_contents'), 0);
    },
  },
  {
    name: 'bytesBy sums the versions an author uploaded',
    async run(backing) {
      const store = await backing.open();
      committed(await store.put('q1', await stage(store, Buffer.alloc(100)), 0, info('a', 'application/octet-stream', 'quota')));
      committed(await store.put('q1', await stage(store, Buffer.alloc(50, 1)), 1, info('b', 'application/octet-stream', 'quota')));
      committed(await store.put('q2', await stage(store, Buffer.alloc(70, 2)), 0, info('c', 'application/octet-stream', 'other')));
      assert.equal(await store.bytesBy('quota'), 150);
      assert.equal(await store.bytesBy('nobody'), 0);
    },
  },
];

for (const adapter of [sqlite, postgres]) {
  describe(`FileStore contract: ${adapter.name}`, { ...(adapter.skip === undefined ? {} : { skip: adapter.skip }) }, () => {
    for (const contractCase of CASES) {
      it(contractCase.name, async () => {
        if (adapter.failure !== undefined) assert.fail(adapter.failure);
        const backing = await adapter.fresh();
        try {
          await contractCase.run(backing, adapter);
        } finally {
          await backing.dispose();
        }
      });
    }
  });
}
