import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryOptions, RevisionInfo } from '../storage/store.js';
import { findRevisionByEtag } from './base-revision.js';

/** A history of `n` revisions whose ETags are "r1".."rn", counting the rows read. */
function fakeHistory(n: number, deleted: number[] = []) {
  const read = { rows: 0, calls: 0 };
  const store = {
    async history(_name: string, options: HistoryOptions): Promise<RevisionInfo[]> {
      read.calls++;
      const rows: RevisionInfo[] = [];
      for (let r = Math.min(n, (options.before ?? n + 1) - 1); r >= 1 && rows.length < options.limit; r--) {
        const gone = deleted.includes(r);
        rows.push({ revision: r, etag: gone ? null : `"r${r}"`, lastModified: r, lastModifiedIsWeak: false, size: 1, summary: '', author: '', deleted: gone });
      }
      read.rows += rows.length;
      return rows;
    },
  };
  return { store, read };
}

describe('findRevisionByEtag', () => {
  it('finds a recent base reading only the first few rows', async () => {
    const { store, read } = fakeHistory(5000);
    const found = await findRevisionByEtag(store, 'p', (etag) => etag === '"r4998"');
    assert.equal(found?.revision, 4998);
    assert.equal(read.calls, 1);
    assert.ok(read.rows <= 8);
  });

  it('pages back through the history, skipping deletions', async () => {
    const { store } = fakeHistory(300, [150]);
    assert.equal((await findRevisionByEtag(store, 'p', (etag) => etag === '"r20"'))?.revision, 20);
  });

  it('gives up after the limit, and at the first revision', async () => {
    const long = fakeHistory(5000);
    assert.equal(await findRevisionByEtag(long.store, 'p', (etag) => etag === '"r1"', 250), undefined);
    assert.equal(long.read.rows, 250);
    const short = fakeHistory(3);
    assert.equal(await findRevisionByEtag(short.store, 'p', () => false), undefined);
    assert.equal(short.read.calls, 1);
  });

  it('returns the newest of revisions that share an ETag (a revert)', async () => {
    const { store } = fakeHistory(10);
    const found = await findRevisionByEtag(store, 'p', (etag) => etag === '"r3"' || etag === '"r7"');
    assert.equal(found?.revision, 7);
  });
});
