// Many clients racing on one page: preconditions + atomic compare-and-swap lose nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendLines, linesOf, totals } from './support/appenders.js';
import { createPage, getPage, putPage } from './support/http.js';
import { serverPerSuite } from './support/server.js';

const suite = serverPerSuite();

test('50 clients race the same If-Match: exactly one 2xx, 49 × 412', async () => {
  const etag = await createPage(suite.url, 'Race', 'start');
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => putPage(suite.url, 'Race', `client ${i}`, { 'if-match': etag })));
  const ok = results.filter((r) => r.status >= 200 && r.status < 300);
  assert.equal(ok.length, 1);
  assert.equal(results.filter((r) => r.status === 412).length, 49);
  const winner = ok[0]!.json()['revision'];
  assert.equal(winner, 2);
  assert.equal((await getPage(suite.url, 'Race')).headers.etag, ok[0]!.headers.etag);
});

test('20 clients each append 25 unique lines, retrying on 412: all 500 lines present exactly once', async () => {
  await createPage(suite.url, 'Appends', '');
  // The deadline only keeps a broken server from hanging the suite; a busy machine may be slow.
  const clients = Array.from({ length: 20 }, (_, c) => appendLines([suite.url], 'Appends', `c${c}`, 25, { deadline: 300_000 }));
  const stats = await Promise.all(clients);
  const acknowledged = stats.flatMap((s) => s.acknowledged);
  assert.equal(acknowledged.length, 500);
  assert.deepEqual(totals(stats).otherStatuses, {}, 'every answer was 200 or 412');
  const lines = linesOf((await getPage(suite.url, 'Appends')).text());
  assert.equal(lines.length, 500, 'no line lost, none doubled');
  assert.equal(new Set(lines).size, 500);
  for (const line of acknowledged) assert.ok(lines.includes(line), line);
  const conflicts = stats.reduce((n, s) => n + s.conflicts, 0);
  assert.ok(conflicts > 0, 'the clients really did collide');
});
