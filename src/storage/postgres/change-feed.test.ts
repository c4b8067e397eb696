// Unit tests of the notification payloads write-batch.ts sends; delivery across processes is
// covered by the store contract and the scale-out tests against a real PostgreSQL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePayload } from './change-feed.js';

const change = (seq: number, name: string) => ({ seq, name, revision: 2, etag: '"e"', deleted: false, summary: 's', author: 'ana', modified: 1_700_000_000_000 });

test("a batch's changes arrive as one array, each read as a change event", () => {
  const events = parsePayload(JSON.stringify([change(7, 'A'), change(8, 'B')]));
  assert.ok(Array.isArray(events));
  assert.deepEqual(
    events.map((e) => [e.sequence, e.name, e.revision, e.etag, e.deleted, e.author, e.lastModified]),
    [
      [7, 'A', 2, '"e"', false, 'ana', 1_700_000_000_000],
      [8, 'B', 2, '"e"', false, 'ana', 1_700_000_000_000],
    ],
  );
});

test('a single change, or only its sequence, is still understood', () => {
  assert.deepEqual(
    (parsePayload(JSON.stringify(change(9, 'C'))) as { name: string }[]).map((e) => e.name),
    ['C'],
  );
  assert.equal(parsePayload('12345'), 12345);
});

test('anything unreadable is undefined, so the listeners re-read instead of trusting it', () => {
  for (const payload of [undefined, '', 'not json', '[]', '[1]', JSON.stringify([change(1, 'A'), { seq: 2 }]), '{"seq":"1","name":"A","revision":1}', 'null']) {
    assert.equal(parsePayload(payload), undefined, String(payload));
  }
});
