// The worker pool under tsx (the .ts worker entry): results, the time budget, the bounded queue.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { toProblem } from '../http/problem-response.js';
import { TASK_WORKER } from '../worker-tasks.js';
import { WorkBusyError, WorkPool } from './pool.js';

/** Markdown that takes markdown-it far longer than a few milliseconds. */
const HEAVY = '* **a** _b_ [c](d) `e` [[F]]\n'.repeat(40_000);

describe('WorkPool', () => {
  const pools: WorkPool[] = [];
  // A busy machine may take long over the slow task: waiting for a thread is not what is tested.
  const pool = (threads: number, timeBudgetMs: number, maxQueue?: number) => {
    const made = new WorkPool(TASK_WORKER, { threads, timeBudgetMs, maxWaitMs: 300_000, ...(maxQueue === undefined ? {} : { maxQueue }) });
    pools.push(made);
    return made;
  };
  after(() => Promise.all(pools.map((p) => p.close())));

  it('renders in a worker thread: HTML cut at each wiki link, targets in order', async () => {
    const outcome = await pool(1, 10_000).run('render', { source: 'See [[Home]] and [[Other|there]].' });
    assert.ok(outcome.done);
    assert.deepEqual(outcome.value.links, ['Home', 'Other']);
    assert.equal(outcome.value.parts.length, 3);
    assert.equal(outcome.value.parts[0], '<p>See ');
  });

  it('computes merges and diff tables in a worker thread', async () => {
    const work = pool(1, 10_000);
    const merge = await work.run('merge', { base: 'a\nb\nc\n', current: 'A\nb\nc\n', mine: 'a\nb\nC\n' });
    assert.deepEqual(merge, { done: true, value: { clean: true, content: 'A\nb\nC\n', conflicts: [] } });
    const diff = await work.run('diff', { before: 'one\n', after: 'two\n', caption: 'c' });
    assert.ok(diff.done && diff.value.includes('<table class="diff">'));
  });

  it('cancels a task past its time budget, and the pool keeps working', async () => {
    const work = pool(1, 10_000);
    assert.deepEqual(await work.run('render', { source: HEAVY }, 5), { done: false });
    const next = await work.run('render', { source: '[[A]]' });
    assert.ok(next.done);
    assert.deepEqual(next.value.links, ['A']);
  });

  it('counts the budget from when a thread takes the task, not while it waits behind another', async () => {
    const work = pool(1, 400);
    const slow = work.run('render', { source: HEAVY }, 60_000);
    const waiting = work.run('render', { source: '[[B]]' });
    assert.equal((await slow).done, true);
    const outcome = await waiting;
    assert.ok(outcome.done, 'the small task, queued behind the slow one, ran to its end');
    assert.deepEqual(outcome.value.links, ['B']);
  });

  it('answers 503 server-busy with Retry-After when its queue is full, and runs what it accepted', async () => {
    const work = pool(1, 30_000, 1);
    const runs = Array.from({ length: 4 }, () => work.run('render', { source: HEAVY.slice(0, 200_000) }));
    const settled = await Promise.allSettled(runs);
    const busy = settled.filter((s) => s.status === 'rejected');
    assert.ok(busy.length >= 2, `${busy.length} of 4 refused`);
    for (const refusal of busy) {
      const reason = (refusal as PromiseRejectedResult).reason as unknown;
      assert.ok(reason instanceof WorkBusyError);
      const problem = toProblem(reason);
      assert.equal(problem.status, 503);
      assert.equal(problem.code, 'server-busy');
      assert.ok(Number(problem.headers['retry-after']) > 0);
    }
    const done = settled.filter((s) => s.status === 'fulfilled');
    assert.ok(done.length >= 1);
    for (const d of done) assert.equal((d as PromiseFulfilledResult<{ done: boolean }>).value.done, true);
  });
});
