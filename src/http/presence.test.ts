// Presence in-process: what each window publishes, for joins and leaves made in one tick.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Presence, presenceId } from './presence.js';

interface Published {
  page: string;
  change: { joined: { id: string; name: string | null }[]; left: string[]; others: number } | undefined;
  list: { editors: { id: string }[]; others: number };
}

function recorder(maxListed = 3) {
  const published: Published[] = [];
  const presence = new Presence({
    windowMs: 20,
    maxListed,
    publish: (page, change, list) => {
      const data = (text: string) => JSON.parse(/^data: (.*)$/m.exec(text)![1]!);
      published.push({ page, change: change === undefined ? undefined : data(change), list: data(list()) });
    },
  });
  const windowEnds = () => new Promise((resolve) => setTimeout(resolve, 60));
  return { presence, published, windowEnds };
}

test('a join and a leave in one window cancel out: nothing changed', async () => {
  const { presence, published, windowEnds } = recorder();
  presence.join('P', 'a', null);
  presence.leave('P', 'a');
  await windowEnds();
  assert.equal(published.length, 1);
  assert.equal(published[0]!.change, undefined);
  assert.deepEqual(published[0]!.list, { editors: [], others: 0 });
});

test('a burst of joins is one change; past the named list, editors are a count', async () => {
  const { presence, published, windowEnds } = recorder(3);
  for (const id of ['a', 'b', 'c', 'd', 'e']) presence.join('P', id, id.toUpperCase());
  await windowEnds();
  assert.equal(published.length, 1);
  const first = published[0]!.change!;
  assert.deepEqual(first.joined.map((e) => [e.id, e.name]), [['a', 'A'], ['b', 'B'], ['c', 'C']]);
  assert.deepEqual([first.left, first.others], [[], 2]);
  // A named editor leaves: the next who came takes its place; the count goes down.
  presence.leave('P', 'b');
  await windowEnds();
  assert.deepEqual(
    { joined: published[1]!.change!.joined.map((e) => e.id), left: published[1]!.change!.left, others: published[1]!.change!.others },
    { joined: ['d'], left: ['b'], others: 1 },
  );
  assert.deepEqual(published[1]!.list.editors.map((e) => e.id), ['a', 'c', 'd']);
  // One of the count leaves: only the count changes.
  presence.leave('P', 'e');
  await windowEnds();
  assert.deepEqual(published[2]!.change, { joined: [], left: [], others: 0 });
  presence.close();
});

test('an editor with two connections stays until both are gone; pages are apart', async () => {
  const { presence, published, windowEnds } = recorder();
  presence.join('P', 'a', 'ana');
  presence.join('P', 'a', 'ana');
  presence.join('Q', 'b', null);
  await windowEnds();
  assert.deepEqual(published.map((p) => p.page).sort(), ['P', 'Q']);
  presence.leave('P', 'a');
  await windowEnds();
  assert.equal(published.length, 2, 'one connection left: nothing to tell');
  presence.leave('P', 'a');
  await windowEnds();
  assert.deepEqual(published[2]!.change, { joined: [], left: ['a'], others: 0 });
  presence.close();
});

test('the presence id depends on the account as well as the session', () => {
  assert.match(presenceId('anonymous', 'session-1'), /^[\w-]{16}$/);
  assert.notEqual(presenceId('anonymous', 'session-1'), presenceId('user:1', 'session-1'));
  assert.equal(presenceId('user:1', 'session-1'), presenceId('user:1', 'session-1'));
});
