// Fair writes (issue 13, item 8): a long queue leaves in bounded batches, in arrival order,
// and the event loop turns between two batches, on both stores' batchers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupCommit, takeBatch } from './group-commit.js';
import { WriteBatcher } from './postgres/write-batch.js';

interface Job {
  readonly id: number;
  readonly bytes: number;
  readonly key: string;
}

const KIB = 1024;
const jobs = (count: number, bytes: (i: number) => number, key: (i: number) => string = (i) => `p${i}`): Job[] =>
  Array.from({ length: count }, (_, i) => ({ id: i, bytes: bytes(i), key: key(i) }));
const limits = { maxJobs: 64, maxBytes: 1024 * KIB, bytesOf: (job: Job) => job.bytes };

/** Every batch within the limits, or a single job that alone exceeds the bytes. */
function assertBounded(batches: readonly Job[][]): void {
  for (const batch of batches) {
    assert.ok(batch.length >= 1 && batch.length <= limits.maxJobs, `a batch of ${batch.length}`);
    const bytes = batch.reduce((sum, job) => sum + job.bytes, 0);
    assert.ok(batch.length === 1 || bytes <= limits.maxBytes, `a batch of ${bytes} bytes in ${batch.length} jobs`);
  }
}

describe('takeBatch', () => {
  it('takes the oldest jobs that fit; later small ones fill the room a large one left, which leads the next batch', () => {
    const queue = jobs(5, (i) => (i < 3 ? 400 * KIB : 1));
    const first = takeBatch(queue, limits, (job) => job.bytes);
    assert.deepEqual(first.batch.map((j) => j.id), [0, 1, 3, 4]);
    assert.deepEqual(first.rest.map((j) => j.id), [2]);
    const second = takeBatch([...first.rest, ...jobs(3, () => 400 * KIB).map((j) => ({ ...j, id: 10 + j.id }))], limits, (job) => job.bytes);
    assert.deepEqual(second.batch.map((j) => j.id), [2, 10], 'the job that did not fit goes first');
  });

  it('stops at the count', () => {
    const { batch, rest } = takeBatch(jobs(100, () => 1), limits, (job) => job.bytes);
    assert.deepEqual(batch.map((j) => j.id), Array.from({ length: 64 }, (_, i) => i));
    assert.equal(rest.length, 36);
  });

  it('lets a job larger than the bytes go alone', () => {
    const { batch, rest } = takeBatch(jobs(3, (i) => (i === 0 ? 5000 * KIB : 1)), limits, (job) => job.bytes);
    assert.deepEqual(batch.map((j) => j.id), [0]);
    assert.equal(rest.length, 2);
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

  it('a small writer arriving during a long import leaves with the next batch', async () => {
    const order: number[] = [];
    const group = new GroupCommit<Job, void>((batch) => {
      order.push(...batch.map((job) => job.id));
      return batch.map(() => undefined);
    }, limits);
    const backlog = jobs(200, () => 100 * KIB).map((job) => group.submit(job));
    // Arrives after the first batch has left, before the backlog is done.
    await new Promise((resolve) => setImmediate(resolve));
    const late = group.submit({ id: -1, bytes: 10 * KIB, key: 'late' });
    const more = jobs(50, () => 100 * KIB).map((job) => group.submit({ ...job, id: 1000 + job.id }));
    await Promise.all([...backlog, late, ...more]);
    assert.equal(order.indexOf(-1), 20, 'a small save fills the room of the next batch (ten pages of 100 KiB fill 1 MiB)');
    assert.deepEqual(order.filter((id) => id >= 1000), Array.from({ length: 50 }, (_, i) => 1000 + i));
    assert.ok(order.indexOf(1000) > order.indexOf(199), 'large jobs that came later wait for the backlog');
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

describe('WriteBatcher (PostgreSQL)', () => {
  it('starts bounded batches of unique keys in arrival order, one per turn of the loop', async () => {
    const events: string[] = [];
    const batches: Job[][] = [];
    const batcher = new WriteBatcher<Job, number>(
      async (batch) => {
        batches.push(batch);
        events.push('batch');
        setImmediate(() => events.push('turn'));
        return batch.map((job) => job.id);
      },
      { maxInFlight: 2, maxBatch: 64, maxBytes: limits.maxBytes, bytesOf: (job) => job.bytes, keyOf: (job) => job.key },
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
