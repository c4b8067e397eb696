// The search index's plain text: made in the pool for large pages, once per write, and never
// blocking a write when the pool cannot take it.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { searchText } from './plain-text.js';
import { WorkPool } from '../work/pool.js';
import { TASK_WORKER } from '../worker-tasks.js';
import { indexedText, lazyIndexedText, withSearchText } from './search-text.js';

const LARGE = '## Heading **bold** and [a link](https://example.com/x)\n\n'.repeat(600);

describe('indexedText', () => {
  const pools: WorkPool[] = [];
  after(() => Promise.all(pools.map((p) => p.close())));
  const pool = (maxQueue?: number) => {
    const made = new WorkPool(TASK_WORKER, { threads: 1, timeBudgetMs: 60_000, maxWaitMs: 300_000, ...(maxQueue === undefined ? {} : { maxQueue }) });
    pools.push(made);
    return made;
  };

  it('gives a large page the same plain text as on the loop, made in a worker', async () => {
    assert.ok(LARGE.length > 16 * 1024);
    const text = await indexedText(pool(), LARGE);
    assert.equal(text, searchText(LARGE));
    assert.doesNotMatch(text!, /\*\*|\]\(|##/);
  });

  it('makes a small page on the loop without the pool', async () => {
    const closed = pool();
    await closed.close();
    assert.equal(await indexedText(closed, 'just **a** line'), 'just a line');
  });

  it('gives undefined (index the Markdown) when the pool is busy, never failing the write', async () => {
    const busy = pool(0);
    assert.equal(await indexedText(busy, LARGE), undefined);
  });

  it('is made once however often a write is retried', async () => {
    let runs = 0;
    const work = pool();
    const original = work.run.bind(work);
    work.run = ((...args: Parameters<typeof original>) => {
      runs++;
      return original(...args);
    }) as typeof original;
    const indexed = lazyIndexedText(work, LARGE);
    const [a, b] = await Promise.all([indexed(), indexed()]);
    assert.equal(await indexed(), a);
    assert.equal(a, b);
    assert.equal(runs, 1);
    assert.deepEqual(withSearchText({ summary: 's' }, undefined), { summary: 's' });
    assert.deepEqual(withSearchText({ summary: 's' }, 't'), { summary: 's', searchText: 't' });
  });
});
