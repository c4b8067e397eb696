// The worker pool under tsx (the .ts worker entry): results, the time budget, the bounded queue.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { toProblem } from '../http/problem-response.js';
import { TASK_WORKER } from '../worker-tasks.js';
import { compressInPool } from './compression.js';
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

  it('compresses a body in a worker thread, as the event loop would', async () => {
    const body = Buffer.from('a large page '.repeat(10_000));
    const coded = await compressInPool(pool(1, 10_000), body, 'gzip');
    assert.ok(Buffer.isBuffer(coded) && coded.length < body.length);
    assert.deepEqual(gunzipSync(coded), body);
    assert.deepEqual(brotliDecompressSync(await compressInPool(pool(1, 10_000), body, 'br')), body);
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

describe('WorkPool thread priority', () => {
  /** The nice value of every thread of this process (field 19 of /proc/self/task/TID/stat). */
  function threadNiceValues(): number[] {
    return readdirSync('/proc/self/task').map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // The command name may hold spaces; the fields after its closing parenthesis do not.
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    });
  }

  it('runs its threads at the lower priority asked for, and leaves the event loop as it was', async () => {
    const mainNice = () => Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')[16]);
    const loopBefore = mainNice();
    assert.ok(!threadNiceValues().includes(loopBefore + 7));
    const work = new WorkPool(TASK_WORKER, { threads: 1, timeBudgetMs: 10_000, niceIncrement: 7 });
    try {
      assert.ok((await work.run('render', { source: '# lowered' })).done);
      assert.ok(threadNiceValues().includes(Math.min(19, loopBefore + 7)), 'a thread of the pool runs 7 lower');
      assert.equal(mainNice(), loopBefore, 'the event loop keeps its priority');
    } finally {
      await work.close();
    }
  });
});
