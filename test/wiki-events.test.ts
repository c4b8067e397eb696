// GET /api/pages/{name}/events: Server-Sent Events of a page's changes and its editors.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, describe, it } from 'node:test';
import Fastify from 'fastify';
import { ResourceTable } from '../src/http/resources.js';
import { registerPageEventRoutes } from '../src/http/routes/page-events.js';
import { openStore } from '../src/storage/index.js';
import { EventStream } from './support/event-stream.js';
import { createPage, putPage } from './support/http.js';
import { removeDir, serverPerSuite, tempDir } from './support/server.js';

const suite = serverPerSuite();
const eventsUrl = (name: string, query = '') => `${suite.url}/api/pages/${encodeURIComponent(name)}/events${query}`;

describe('the event stream of a page', () => {
  it('is an event stream that proxies pass through: no-cache, no buffering, a retry and a first comment at once', async () => {
    const stream = await EventStream.open(eventsUrl('Headers'));
    try {
      assert.equal(stream.res.statusCode, 200);
      assert.equal(stream.res.headers['content-type'], 'text/event-stream; charset=utf-8');
      assert.equal(stream.res.headers['cache-control'], 'no-cache');
      assert.equal(stream.res.headers['x-accel-buffering'], 'no');
      const state = await stream.until(() => stream.of('state')[0], 'the state event');
      assert.deepEqual(JSON.parse(state.data), { name: 'Headers', exists: false, revision: 0, etag: null });
      assert.ok(stream.comments.length >= 1, 'a comment line is sent at once');
    } finally {
      stream.close();
    }
  });

  it('sends a change event with the new ETag, revision and summary; its id is the page revision', async () => {
    const etag = await createPage(suite.url, 'Watched', 'one\n');
    const stream = await EventStream.open(eventsUrl('Watched'));
    try {
      const state = await stream.until(() => stream.of('state')[0], 'state');
      assert.equal(JSON.parse(state.data).etag, etag);
      assert.equal(Number(state.id), 1, 'the state names the revision it describes');
      await createPage(suite.url, 'Unrelated', 'x\n');
      const res = await putPage(suite.url, 'Watched', 'two\n', { 'if-match': etag, 'edit-summary': 'second%20take' });
      const change = await stream.until(() => stream.of('change')[0], 'change');
      const data = JSON.parse(change.data);
      assert.equal(data.etag, res.headers.etag);
      assert.equal(data.revision, 2);
      assert.equal(data.summary, 'second take');
      assert.equal(data.deleted, false);
      assert.equal(Number(change.id), 2, 'the id is the page revision (the unrelated write does not count)');
      assert.equal(stream.of('change').length, 1, 'changes of other pages are not sent');
    } finally {
      stream.close();
    }
  });

  it('replays what was missed after Last-Event-ID, for this page only, then goes live', async () => {
    const etag = await createPage(suite.url, 'Replayed', 'r1\n');
    const first = await EventStream.open(eventsUrl('Replayed'));
    const state = await first.until(() => first.of('state')[0], 'state');
    first.close();
    const e2 = (await putPage(suite.url, 'Replayed', 'r2\n', { 'if-match': etag })).headers.etag as string;
    await createPage(suite.url, 'Noise', 'n\n');
    const e3 = (await putPage(suite.url, 'Replayed', 'r3\n', { 'if-match': e2 })).headers.etag as string;

    const again = await EventStream.open(eventsUrl('Replayed'), { 'last-event-id': state.id! });
    try {
      await again.until(() => again.of('state')[0], 'state after replay');
      const replayed = again.of('change').map((e) => JSON.parse(e.data));
      assert.deepEqual(replayed.map((c) => [c.revision, c.etag]), [[2, e2], [3, e3]]);
      assert.deepEqual(again.of('change').map((e) => Number(e.id)), [2, 3]);
      assert.equal(Number(again.of('state')[0]!.id), 3);
      await putPage(suite.url, 'Replayed', 'r4\n', { 'if-match': e3 });
      await again.until(() => again.of('change')[2], 'the live change after the replay');
      assert.equal(JSON.parse(again.of('change')[2]!.data).revision, 4);
    } finally {
      again.close();
    }
  });

  it('a deletion is a change with deleted: true and no ETag', async () => {
    const etag = await createPage(suite.url, 'Deleted', 'x\n');
    const stream = await EventStream.open(eventsUrl('Deleted'));
    try {
      await stream.until(() => stream.of('state')[0], 'state');
      await fetch(`${suite.url}/api/pages/Deleted`, { method: 'DELETE', headers: { 'if-match': etag } });
      const change = await stream.until(() => stream.of('change')[0], 'change');
      assert.deepEqual([JSON.parse(change.data).deleted, JSON.parse(change.data).etag], [true, null]);
    } finally {
      stream.close();
    }
  });

  it('presence: a new stream gets the list once, then a join and a leave as changes', async () => {
    const watcher = await EventStream.open(eventsUrl('Shared'));
    const late: EventStream[] = [];
    let ana: EventStream | undefined;
    try {
      const first = await watcher.until(() => watcher.of('presence')[0], 'the list of editors');
      assert.deepEqual(JSON.parse(first.data), { editors: [], others: 0 });
      ana = await EventStream.open(eventsUrl('Shared', '?editing=session-ana-123&who=Ana'));
      const anaId = JSON.parse((await ana.until(() => ana!.of('state')[0], 'state')).data).you as string;
      assert.match(anaId, /^[\w-]{16}$/);
      assert.notEqual(anaId, 'session-ana-123', 'the session itself is not revealed');

      const joined = JSON.parse((await watcher.until(() => watcher.of('presence-change')[0], 'Ana joined')).data);
      assert.deepEqual(Object.keys(joined).sort(), ['joined', 'left', 'others']);
      assert.deepEqual([joined.joined.length, joined.left, joined.others], [1, [], 0]);
      assert.equal(joined.joined[0].id, anaId);
      assert.equal(joined.joined[0].name, null, 'an anonymous editor has no name, whatever `who` says');
      assert.ok(!Number.isNaN(Date.parse(joined.joined[0].since)));

      late.push(await EventStream.open(eventsUrl('Shared')));
      const list = JSON.parse((await late[0]!.until(() => late[0]!.of('presence')[0], 'the list of a later stream')).data);
      assert.deepEqual(list.editors.map((e: { id: string }) => e.id), [anaId]);

      ana.close();
      const left = await watcher.until(() => watcher.of('presence-change')[1], 'Ana left');
      assert.deepEqual(JSON.parse(left.data), { joined: [], left: [anaId], others: 0 });
      await late[0]!.until(() => late[0]!.of('presence-change')[0], 'the later stream hears Ana leave');
      assert.equal(watcher.of('presence').length, 1, 'the whole list is sent once');
      assert.equal(late[0]!.of('presence').length, 1);
      assert.equal(watcher.editors()!.editors.size, 0);
    } finally {
      watcher.close();
      ana?.close();
      for (const stream of late) stream.close();
    }
  });

  it('refuses a malformed editor session id; accepts and ignores `who`', async () => {
    for (const query of ['?editing=short', '?editing=has%20space%20in%20it']) {
      const res = await fetch(eventsUrl('Shared', query));
      assert.equal(res.status, 400, query);
    }
    const stream = await EventStream.open(eventsUrl('Who', '?editing=valid-session-1&who=a%0Ab'));
    try {
      assert.equal(stream.res.statusCode, 200);
      const list = await stream.until(() => stream.editors()?.editors.size === 1 && stream.editors(), 'its own entry');
      assert.equal([...list.editors.values()][0]!.name, null);
    } finally {
      stream.close();
    }
  });
});

describe('heartbeats and shutdown (in-process, with a short heartbeat)', () => {
  it('a comment line every interval, and app.close() ends open streams instead of hanging', async () => {
    const dataDir = tempDir();
    const store = await openStore({ dataDir });
    const app = Fastify({ exposeHeadRoutes: false });
    registerPageEventRoutes(app, { store, resources: new ResourceTable(), heartbeatMs: 100 });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const stream = await EventStream.open(`${address}/api/pages/Beat/events`);
    try {
      await stream.until(() => stream.comments.filter((c) => c === 'heartbeat').length >= 3 || undefined, 'three heartbeats', 3000);
      const ended = new Promise<void>((resolve) => stream.res.on('end', resolve));
      const started = Date.now();
      await app.close();
      await ended;
      assert.ok(Date.now() - started < 2000, 'closing does not wait for the stream');
    } finally {
      stream.close();
      await store.close();
      removeDir(dataDir);
    }
  });
});
