// A process that opens a SQLite store and lets its history compactor run in the background, one
// revision per batch, until it is killed (test/compact-history.test.ts kills it with SIGKILL).
import { SqlitePageStore } from '../../src/storage/sqlite/sqlite-store.js';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: compacting-process.ts FILE');
new SqlitePageStore(file, { compaction: { batchRows: 1, pauseMs: 10 } });
console.log('open');
// The compactor's timer is unref'd: this one keeps the process alive until it is killed.
setInterval(() => undefined, 1000);
