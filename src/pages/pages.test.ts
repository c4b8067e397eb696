// Unit tests of the write path: its use of a stale state hint (PageStore.lastKnown), which may
// save a read but never decide a refusal; and a write the store refuses as protected.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { PageState, PageStore, WriteResult } from '../storage/store.js';
import { WorkPool } from '../work/pool.js';
import { TASK_WORKER } from '../worker-tasks.js';
import { Pages, type WritePrecondition } from './index.js';

const work = new WorkPool(TASK_WORKER, { threads: 1, timeBudgetMs: 3000 });
after(() => work.close());

function state(revision: number, etag: string, exists = true): PageState {
  return { name: 'P', revision, exists, ...(exists ? { etag } : {}), lastModified: 1_700_000_000_000 + revision * 5000, lastModifiedIsWeak: false, size: 1 };
}

/**
 * A store whose latest state is `current` and whose hint is `hint`; it counts the reads that
 * decide (heads before the refusal or commit) and the swaps. `swap` answers the compare-and-swap.
 */
function fakeStore(current: PageState, hint: PageState | undefined, swap?: () => WriteResult) {
  const counts = { heads: 0, swaps: 0 };
  // The compare-and-swap: it commits only on the latest revision.
  const write = async (_name: string, ...args: unknown[]): Promise<WriteResult> => {
    counts.swaps++;
    const seen = args.find((a) => typeof a === 'number') as number;
    if (swap) return swap();
    return seen === current.revision ? { ok: true, state: state(current.revision + 1, '"next"') } : { ok: false, reason: 'conflict' };
  };
  const store = {
    async head() {
      counts.heads++;
      return current;
    },
    lastKnown: () => hint,
    put: write,
    delete: write,
    // No history: a refusal finds no base and no revision to merge into.
    async history() {
      return [];
    },
    async revision() {
      return undefined;
    },
  } as unknown as PageStore;
  return { pages: new Pages(store, work), counts };
}

const by = { author: 'a', unlessProtected: false, writer: 'a@127.0.0.1' };
const put = (pages: Pages, precondition: WritePrecondition) => pages.savePage({ name: 'P', content: 'x', precondition, summary: '', by });
const request = (method: 'PUT' | 'DELETE', headers: Record<string, string>): WritePrecondition => ({ kind: 'request', method, headers });

describe('Pages.savePage with a state hint', () => {
  it('a current hint saves the read: one swap, no head', async () => {
    const { pages, counts } = fakeStore(state(3, '"c"'), state(3, '"c"'));
    const outcome = await put(pages, request('PUT', { 'if-match': '"c"' }));
    assert.equal(outcome.kind === 'saved' && outcome.after.revision, 4);
    assert.deepEqual(counts, { heads: 0, swaps: 1 });
  });

  it('a stale hint that the request matches loses the swap, then the fresh read decides: refused', async () => {
    const { pages, counts } = fakeStore(state(3, '"c"'), state(2, '"b"'));
    const outcome = await put(pages, request('PUT', { 'if-match': '"b"' }));
    assert.equal(outcome.kind, 'refused');
    assert.deepEqual(outcome.kind === 'refused' && outcome.refusal, { reason: 'precondition-failed', header: 'If-Match', malformed: false });
    assert.equal(counts.swaps, 1);
    assert.equal(counts.heads, 1, 'the refusal is decided on one fresh read');
  });

  it('a stale hint never refuses: a request naming the newer ETag is decided on a fresh read and commits', async () => {
    const { pages, counts } = fakeStore(state(3, '"c"'), state(2, '"b"'));
    const outcome = await put(pages, request('PUT', { 'if-match': '"c"' }));
    assert.equal(outcome.kind === 'saved' && outcome.before.revision, 3);
    assert.deepEqual(counts, { heads: 1, swaps: 1 });
  });

  it('a hint that the page is missing is read again (create on a page created elsewhere is refused)', async () => {
    for (const precondition of [request('PUT', { 'if-none-match': '*' }), { kind: 'create' } as const]) {
      const { pages, counts } = fakeStore(state(1, '"a"'), state(0, '', false));
      const outcome = await put(pages, precondition);
      assert.deepEqual(outcome.kind === 'refused' && outcome.refusal, { reason: 'precondition-failed', header: 'If-None-Match', malformed: false });
      assert.deepEqual(counts, { heads: 1, swaps: 0 });
    }
  });

  it('DELETE with a hint that the page is gone is decided on a fresh read', async () => {
    const { pages, counts } = fakeStore(state(5, '"e"'), state(4, '', false));
    const outcome = await pages.deletePage({ name: 'P', precondition: request('DELETE', { 'if-match': '"e"' }), summary: '', by });
    assert.equal(outcome.kind === 'saved' && outcome.before.revision, 5);
    assert.deepEqual(counts, { heads: 1, swaps: 1 });
  });
});

describe('typed preconditions', () => {
  it('replace accepts the tag of a content-coded variant of the current revision', async () => {
    const { pages } = fakeStore(state(3, '"c"'), undefined);
    assert.equal((await put(pages, { kind: 'replace', etag: '"c+gzip"' })).kind, 'saved');
    assert.equal((await put(pages, { kind: 'replace', etag: '"b"' })).kind, 'refused');
  });

  it('an API request with no precondition the page can answer is refused as precondition-required', async () => {
    const { pages } = fakeStore(state(0, '', false), undefined);
    const outcome = await put(pages, request('PUT', { 'if-unmodified-since': 'Tue, 14 Nov 2023 22:13:20 GMT' }));
    assert.deepEqual(outcome.kind === 'refused' && outcome.refusal, { reason: 'precondition-required' });
  });
});

describe('Pages when the store finds the page protected', () => {
  it('answers protected, without retrying', async () => {
    const { pages, counts } = fakeStore(state(3, '"c"'), undefined, () => ({ ok: false, reason: 'protected' }));
    assert.deepEqual(await put(pages, request('PUT', { 'if-match': '"c"' })), { kind: 'protected' });
    assert.equal(counts.swaps, 1, 'a protection is not a lost race: no second attempt');
    assert.equal(counts.heads, 1);
  });

  it('a delete too', async () => {
    const { pages } = fakeStore(state(3, '"c"'), undefined, () => ({ ok: false, reason: 'protected' }));
    assert.deepEqual(await pages.deletePage({ name: 'P', precondition: request('DELETE', { 'if-match': '"c"' }), summary: '', by }), { kind: 'protected' });
  });
});
