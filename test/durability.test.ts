// kill -9 in the middle of a stream of writes: every write that got a 2xx survives.
// (`npm run chaos` runs the same rounds many more times.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { killRounds, verifyKillRounds } from './support/kill-rounds.js';
import { removeDir, tempDir } from './support/server.js';

test('SIGKILL during concurrent creates and conditional updates loses no acknowledged write and corrupts nothing', async () => {
  const dataDir = tempDir();
  try {
    const result = await killRounds({ dataDir, rounds: 4 });
    assert.ok(result.acknowledged.length >= 40, `writes were acknowledged before the kills (${result.acknowledged.length})`);
    await verifyKillRounds(dataDir, result);
  } finally {
    removeDir(dataDir);
  }
});
