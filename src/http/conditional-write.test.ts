// Unit tests of the write path: its use of a stale state hint (PageStore.lastKnown), which may
// save a read but never decide a refusal; and a write the store refuses as protected.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PageState, PageStore, WriteResult } from '../storage/store.js';
import { conditionalWrite } from './conditional-write.js';
import { HttpProblem } from './errors.js';

function state(revision: number, etag: string, exists = true): PageState {
  return { name: 'P', revision, exists, ...(exists ? { etag } : {}), lastModified: 1_700_000_000_000 + revision * 5000, lastModifiedIsWeak: false, size: 1 };
}

/** A store whose latest state is `current` and whose hint is `hint`; it counts reads and swaps. */
function fakeStore(current: PageState, hint: PageState | undefined) {
  const counts = { heads: 0, swaps: 0 };
  const store = {
    async head() {
      counts.heads++;
      return current;
    },
    lastKnown: () => hint,
  } as unknown as PageStore;
  const write = async (seen: PageState): Promise<WriteResult> => {
    counts.swaps++;
    // The compare-and-swap: it commits only on the latest revision.
    return seen.revision === current.revision ? { ok: true, state: state(current.revision + 1, '"next"') } : { ok: false, reason: 'conflict' };
  };
  return { store, write, counts };
}

describe('conditionalWrite with a state hint', () => {
  it('a current hint saves the read: one swap, no head', async () => {
    const { store, write, counts } = fakeStore(state(3, '"c"'), state(3, '"c"'));
    const outcome = await conditionalWrite(store, 'P', 'PUT', { 'if-match': '"c"' }, write);
    assert.equal(outcome.after.revision, 4);
    assert.deepEqual(counts, { heads: 0, swaps: 1 });
  });

  it('a stale hint that the request matches loses the swap, then the fresh read decides: 412', async () => {
    const { store, write, counts } = fakeStore(state(3, '"c"'), state(2, '"b"'));
    await assert.rejects(conditionalWrite(store, 'P', 'PUT', { 'if-match': '"b"' }, write), (error: unknown) => {
      assert.ok(error instanceof HttpProblem);
      assert.equal(error.code, 'precondition-failed');
      return true;
    });
    assert.deepEqual(counts, { heads: 1, swaps: 1 });
  });

  it('a stale hint never refuses: a request naming the newer ETag is decided on a fresh read and commits', async () => {
    const { store, write, counts } = fakeStore(state(3, '"c"'), state(2, '"b"'));
    const outcome = await conditionalWrite(store, 'P', 'PUT', { 'if-match': '"c"' }, write);
    assert.equal(outcome.before.revision, 3);
    assert.deepEqual(counts, { heads: 1, swaps: 1 });
  });

  it('a hint that the page is missing is read again (If-None-Match: * on a page created elsewhere is 412)', async () => {
    const { store, write, counts } = fakeStore(state(1, '"a"'), state(0, '', false));
    await assert.rejects(conditionalWrite(store, 'P', 'PUT', { 'if-none-match': '*' }, write), /did not hold/);
    assert.deepEqual(counts, { heads: 1, swaps: 0 });
  });

  it('DELETE with a hint that the page is gone is decided on a fresh read', async () => {
    const { store, write, counts } = fakeStore(state(5, '"e"'), state(4, '', false));
    const outcome = await conditionalWrite(store, 'P', 'DELETE', { 'if-match': '"e"' }, write);
    assert.equal(outcome.before.revision, 5);
    assert.deepEqual(counts, { heads: 1, swaps: 1 });
  });
});

describe('conditionalWrite when the store finds the page protected', () => {
  const refusedAsProtected = async (): Promise<WriteResult> => ({ ok: false, reason: 'protected' });

  it('answers with the writer’s refusal, without retrying', async () => {
    const { store, counts } = fakeStore(state(3, '"c"'), undefined);
    let swaps = 0;
    const write = async () => {
      swaps++;
      return refusedAsProtected();
    };
    const mine = new HttpProblem('unauthorized', 'sign in as an admin');
    await assert.rejects(conditionalWrite(store, 'P', 'PUT', { 'if-match': '"c"' }, write, { protectedRefusal: () => mine }), (error: unknown) => error === mine);
    assert.equal(swaps, 1, 'a protection is not a lost race: no second attempt');
    assert.equal(counts.heads, 1);
  });

  it('without a refusal of its own: 403 page-protected', async () => {
    const { store } = fakeStore(state(3, '"c"'), undefined);
    await assert.rejects(conditionalWrite(store, 'P', 'DELETE', { 'if-match': '"c"' }, refusedAsProtected), (error: unknown) => {
      assert.ok(error instanceof HttpProblem);
      assert.equal(error.code, 'page-protected');
      return true;
    });
  });
});
