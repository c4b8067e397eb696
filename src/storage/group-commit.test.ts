// Fair writes (issue 13, item 8): a long queue leaves in bounded batches, in arrival order,
// and the event loop turns between two batches, on both stores' batchers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupCommit, takeBatch } from './group-commit.js';

interface Job {
  readonly id: number;
  readonly bytes: number;
  readonly key: string;
  readonly writer?: string;
}

const KIB = 1024;
const jobs = (count: number, bytes: (i: number) => number, key: (i: number) => string = (i) => `p${i}`): Job[] =>
  Array.from({ length: count }, (_, i) => ({ id: i, bytes: bytes(i), key: key(i) }));
const limits = { maxJobs: 64, maxBytes: 1024 * KIB, writerShare: 128 * KIB, bytesOf: (job: Job) => job.bytes, writerOf: (job: Job) => job.writer ?? '' };

// PostgreSQL's settings: two batches in flight, a fast lane, unique page names in a batch.
const batcherOptions = { ...limits, maxInFlight: 2, fastLane: true, keyOf: (job: Job) => job.key };

/** Every batch within the limits, or a single job that alone exceeds the bytes. */
function assertBounded(batches: readonly Job[][]): void {
  for (const batch of batches) {
    assert.ok(batch.length >= 1 && batch.length <= limits.maxJobs, `a batch of ${batch.length}`);
    const bytes = batch.reduce((sum, job) => sum + job.bytes, 0);
    assert.ok(batch.length === 1 || bytes <= limits.maxBytes, `a batch of ${bytes} bytes in ${batch.length} jobs`);
  }
}

describe('takeBatch', () => {
  it("takes one writer's jobs in arrival order, up to the first that does not fit, which leads the next batch", () => {
    const queue = jobs(5, (i) => (i < 3 ? 400 * KIB : 1));
    const first = takeBatch(queue, limits);
    assert.deepEqual(first.batch.map((j) => j.id), [0, 1]);
    assert.deepEqual(first.rest.map((j) => j.id), [2, 3, 4], 'later small jobs of the same writer do not overtake');
    const second = takeBatch(first.rest, limits);
    assert.deepEqual(second.batch.map((j) => j.id), [2, 3, 4]);
  });

  it('stops at the count', () => {
    const { batch, rest } = takeBatch(jobs(100, () => 1), limits);
    assert.deepEqual(batch.map((j) => j.id), Array.from({ length: 64 }, (_, i) => i));
    assert.equal(rest.length, 36);
  });

  it('lets a job larger than the bytes go alone', () => {
    const { batch, rest } = takeBatch(jobs(3, (i) => (i === 0 ? 5000 * KIB : 1)), limits);
    assert.deepEqual(batch.map((j) => j.id), [0]);
    assert.equal(rest.length, 2);
  });
});

describe('takeBatch, fair per writer', () => {
  const bulk = (count: number, from = 0): Job[] => jobs(count, () => 64 * KIB).map((job) => ({ ...job, id: from + job.id, writer: 'importer' }));
  const small = (id: number, writer: string): Job => ({ id, bytes: KIB, key: `s${id}`, writer });

  it('a writer alone fills the batch', () => {
    const { batch } = takeBatch(bulk(40), limits);
    assert.equal(batch.length, 16, '16 pages of 64 KiB make 1 MiB');
  });

  it('writers take turns: a save behind a bulk import leaves with the next batch, beside at most its share of the import', () => {
    const queue = [...bulk(30), small(100, 'alice'), small(101, 'bob'), small(102, 'alice'), ...bulk(10, 30)];
    const { batch, rest } = takeBatch(queue, limits);
    assert.deepEqual(batch.map((j) => j.id), [0, 1, 100, 101, 102], "two import pages (128 KiB), then everyone else's, in arrival order");
    assert.deepEqual(rest.map((j) => j.id), [...Array.from({ length: 38 }, (_, i) => i + 2)], 'the import keeps its order');
    const next = takeBatch(rest, limits);
    assert.equal(next.batch.length, 16, 'the importer alone again: a full batch');
  });

  it("a job turned away ends its writer's turns, not the others'", () => {
    const queue = [...bulk(3), small(100, 'alice'), small(101, 'alice'), small(102, 'bob')];
    const { batch } = takeBatch(queue, limits, (job) => job.id !== 100);
    assert.deepEqual(batch.map((j) => j.id), [0, 1, 102], "alice's second write does not overtake her first");
  });

  it('stays within the count across writers', () => {
    const queue = Array.from({ length: 200 }, (_, i) => small(i, `w${i % 50}`));
    const { batch, rest } = takeBatch(queue, limits);
    assert.equal(batch.length, 64);
    assert.deepEqual(batch.map((j) => j.id), Array.from({ length: 64 }, (_, i) => i), 'the first round, then the second, by who waited longest');
    assert.equal(rest.length, 136);
  });

  it('no writer starves: a bulk writer facing a stream of newcomers still leaves with every batch', () => {
    let queue: Job[] = bulk(100);
    let next = 1000;
    const batches: Job[][] = [];
    for (let round = 0; round < 200 && queue.some((job) => job.writer === 'importer'); round++) {
      // Five new people arrive before every batch.
      for (let i = 0; i < 5; i++, next++) queue.push(small(next, `person${next}`));
      const oldest = queue[0]!;
      const { batch, rest } = takeBatch(queue, limits);
      assert.equal(batch[0], oldest, 'the oldest waiting job leads every batch');
      batches.push(batch);
      queue = rest;
    }
    assert.ok(!queue.some((job) => job.writer === 'importer'), 'the import is done');
    assert.ok(batches.every((batch) => batch.some((job) => job.writer === 'importer')), 'the importer had a place in every batch');
    assert.equal(batches.length, 50, 'two pages (its 128 KiB share) a batch');
    assert.ok(batches.every((batch) => batch.filter((job) => job.writer !== 'importer').length === 5), 'each person in the batch after arriving');
  });
});

describe('GroupCommit', () => {
  it('splits a huge queue into bounded batches in arrival order, the loop turning between two', async () => {
    const events: string[] = [];
    const batches: Job[][] = [];
    const group = new GroupCommit<Job, number>((batch) => {
      batches.push(batch);
      events.push('batch');
      // What a request read from a socket meanwhile would do: run in the loop's next turn.
      setImmediate(() => events.push('turn'));
      return batch.map((job) => job.id);
    }, limits);
    const queued = jobs(1000, (i) => (i % 7 === 0 ? 300 * KIB : 2 * KIB));
    const results = await Promise.all(queued.map((job) => group.submit(job)));
    assert.deepEqual(results, queued.map((job) => job.id));
    assert.ok(batches.length > 30, `${batches.length} batches`);
    assertBounded(batches);
    const order = batches.flat().map((job) => job.id);
    assert.deepEqual([...order].sort((a, b) => a - b), queued.map((job) => job.id), 'every job once');
    // First fit: later small jobs may fill a batch's room, but every batch is led by the
    // oldest job still waiting, so none waits for ever.
    const left = new Set<number>();
    for (const batch of batches) {
      const oldestWaiting = queued.find((job) => !left.has(job.id))!.id;
      assert.equal(batch[0]!.id, oldestWaiting, 'each batch led by the oldest waiting job');
      for (const job of batch) left.add(job.id);
    }
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(events, batches.flatMap(() => ['batch', 'turn']), 'another turn of the loop between every two batches');
  });

  it('another writer arriving during a long import leaves with the next batch', async () => {
    const order: number[] = [];
    const group = new GroupCommit<Job, void>((batch) => {
      order.push(...batch.map((job) => job.id));
      return batch.map(() => undefined);
    }, limits);
    const backlog = jobs(200, () => 100 * KIB).map((job) => group.submit({ ...job, writer: 'importer' }));
    // Arrives after the first batch has left, before the backlog is done.
    await new Promise((resolve) => setImmediate(resolve));
    const late = group.submit({ id: -1, bytes: 10 * KIB, key: 'late', writer: 'alice' });
    const more = jobs(50, () => 100 * KIB).map((job) => group.submit({ ...job, id: 1000 + job.id, writer: 'importer' }));
    await Promise.all([...backlog, late, ...more]);
    assert.equal(order.indexOf(-1), 11, 'the first batch held ten pages of 100 KiB; the next one page (its 128 KiB share) and the save');
    assert.deepEqual(order.filter((id) => id >= 1000), Array.from({ length: 50 }, (_, i) => 1000 + i));
    assert.ok(order.indexOf(1000) > order.indexOf(199), "the importer's later jobs wait for its backlog");
  });

  it('flush commits everything queued at once, still in bounded batches', async () => {
    const batches: Job[][] = [];
    const group = new GroupCommit<Job, void>((batch) => {
      batches.push(batch);
      return batch.map(() => undefined);
    }, limits);
    const queued = jobs(300, () => 10 * KIB);
    const done = queued.map((job) => group.submit(job));
    group.flush();
    assert.equal(batches.flat().length, 300);
    assertBounded(batches);
    await Promise.all(done);
  });

  it('a failed batch fails only its own writers', async () => {
    let calls = 0;
    const group = new GroupCommit<Job, number>((batch) => {
      if (calls++ === 0) throw new Error('disk full');
      return batch.map((job) => job.id);
    }, limits);
    const settled = await Promise.allSettled(jobs(100, () => 100 * KIB).map((job) => group.submit(job)));
    const rejected = settled.filter((s) => s.status === 'rejected').length;
    assert.equal(rejected, 10, 'the first batch of 10');
    assert.equal(settled.filter((s) => s.status === 'fulfilled').length, 90);
  });
});

describe('GroupCommit with an asynchronous commit (PostgreSQL)', () => {
  it('starts bounded batches of unique keys in arrival order, one per turn of the loop', async () => {
    const events: string[] = [];
    const batches: Job[][] = [];
    const batcher = new GroupCommit<Job, number>(
      async (batch) => {
        batches.push(batch);
        events.push('batch');
        setImmediate(() => events.push('turn'));
        return batch.map((job) => job.id);
      },
      batcherOptions,
    );
    // Every fifth job writes page "hot": those may never share a batch.
    const queued = jobs(600, (i) => (i % 11 === 0 ? 200 * KIB : 4 * KIB), (i) => (i % 5 === 0 ? 'hot' : `p${i}`));
    const results = await Promise.all(queued.map((job) => batcher.submit(job)));
    assert.deepEqual(results, queued.map((job) => job.id));
    assertBounded(batches);
    for (const batch of batches) assert.equal(new Set(batch.map((job) => job.key)).size, batch.length, 'unique keys in a batch');
    const hot = batches.flat().filter((job) => job.key === 'hot').map((job) => job.id);
    assert.deepEqual(hot, [...hot].sort((a, b) => a - b), "one page's writes in arrival order");
    const firstOfEach = batches.map((batch) => batch[0]!.id);
    assert.deepEqual(firstOfEach, [...firstOfEach].sort((a, b) => a - b), 'batches leave oldest first');
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 1; i < events.length; i++) {
      if (events[i] === 'batch') assert.equal(events[i - 1], 'turn', `batch ${events.slice(0, i).filter((e) => e === 'batch').length} waited for a turn`);
    }
  });
});

describe('GroupCommit fast lane (PostgreSQL)', () => {
  it('a writer with nothing in flight gets a batch of its own while the slots are busy; a busy writer never does', async () => {
    const started: Job[][] = [];
    const finish: (() => void)[] = [];
    let held = true;
    const batcher = new GroupCommit<Job, number>(
      (batch) => {
        started.push(batch);
        const results = batch.map((job) => job.id);
        return held ? new Promise((resolve) => finish.push(() => resolve(results))) : Promise.resolve(results);
      },
      batcherOptions,
    );
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const imported = jobs(60, () => 64 * KIB).map((job) => batcher.submit({ ...job, writer: 'importer' }));
    await turn();
    await turn();
    assert.deepEqual(started.map((batch) => batch.length), [16, 16], 'both slots hold a full batch of the import');
    await turn();
    assert.equal(started.length, 2, 'the importer does not take the fast lane');
    const save = batcher.submit({ id: 100, bytes: KIB, key: 'Minutes', writer: 'alice' });
    const other = batcher.submit({ id: 101, bytes: KIB, key: 'Agenda', writer: 'bob' });
    await turn();
    assert.deepEqual(started[2]!.map((job) => job.id), [100, 101], 'the fast lane: only writers with nothing in flight');
    const again = batcher.submit({ id: 102, bytes: KIB, key: 'Minutes', writer: 'carol' });
    await turn();
    assert.equal(started.length, 3, 'one fast batch at a time');
    finish[2]!();
    assert.deepEqual(await Promise.all([save, other]), [100, 101]);
    await turn();
    assert.deepEqual(started[3]!.map((job) => job.id), [102]);
    finish[3]!();
    await again;
    // The import finishes, every job answered once.
    held = false;
    finish[0]!();
    finish[1]!();
    assert.deepEqual(await Promise.all(imported), Array.from({ length: 60 }, (_, i) => i));
  });
});
