// Presence over real HTTP against a real server process: names come from accounts, bursts are
// coalesced, event streams are capped per page and per client address, and the bytes a crowd
// of editors makes the server push grow with the number of editors, not its square.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addUser, cookie, signIn } from './support/accounts.js';
import { EventStream } from './support/event-stream.js';
import { createPage, request } from './support/http.js';
import { type RunningServer, removeDir, startServer, tempDir } from './support/server.js';

const eventsPath = (name: string, query = '') => `/api/pages/${encodeURIComponent(name)}/events${query}`;
const session = (n: number | string) => `session-${String(n).padStart(8, '0')}`;

/** Opens streams and closes every one of them, whatever happens, when the test ends. */
class Streams {
  private readonly open: EventStream[] = [];
  constructor(private readonly base: () => string) {}
  async add(path: string, headers: Record<string, string> = {}, localAddress?: string): Promise<EventStream> {
    const stream = await EventStream.open(`${this.base()}${path}`, headers, localAddress ? { localAddress } : {});
    this.open.push(stream);
    return stream;
  }
  closeAll(): void {
    for (const stream of this.open.splice(0)) stream.close();
  }
}

function expectTooManyStreams(stream: EventStream, what: string): void {
  assert.equal(stream.res.statusCode, 429, what);
  assert.match(String(stream.res.headers['content-type']), /^application\/problem\+json\b/, what);
  assert.match(String(stream.res.headers['retry-after']), /^\d+$/, `${what}: Retry-After`);
  const problem = JSON.parse(stream.body) as { code: string; retryAfter: number };
  assert.equal(problem.code, 'too-many-streams', what);
  assert.equal(problem.retryAfter, Number(stream.res.headers['retry-after']));
}

describe('presence names and caps (accounts mode, TRUST_PROXY on, small caps)', () => {
  let server: RunningServer;
  let ana: string;
  const streams = new Streams(() => server.url);
  before(async () => {
    const dataDir = tempDir();
    await addUser({ dataDir }, 'ana', 'editor');
    server = await startServer({ dataDir, args: ['--auth', 'accounts', '--trust-proxy', 'true', '--max-page-streams', '6', '--max-streams-per-client', '3'] });
    ana = await signIn(server.url, 'ana', undefined, { 'x-forwarded-for': '10.9.9.9' });
  });
  after(async () => {
    streams.closeAll();
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  it("a signed-in editor is shown by the account's name whatever `who` says; an anonymous one has no name", async () => {
    try {
      const watcher = await streams.add(eventsPath('Named'), { 'x-forwarded-for': '10.1.0.1' });
      await watcher.until(() => watcher.editors(), 'the list');
      const signedIn = await streams.add(eventsPath('Named', `?editing=${session('a')}&who=alice`), { cookie: cookie(ana), 'x-forwarded-for': '10.1.0.2' });
      // The same session id, anonymously: a different editor, which cannot take over ana's entry.
      const anonymous = await streams.add(eventsPath('Named', `?editing=${session('a')}&who=alice`), { 'x-forwarded-for': '10.1.0.3' });
      const ids = await Promise.all([signedIn, anonymous].map(async (s) => JSON.parse((await s.until(() => s.of('state')[0], 'state')).data).you as string));
      assert.notEqual(ids[0], ids[1]);
      const seen = await watcher.until(() => watcher.editors()?.editors.size === 2 && watcher.editors(), 'both editors');
      assert.equal(seen.editors.get(ids[0]!)?.name, 'ana');
      assert.equal(seen.editors.get(ids[1]!)?.name, null);
      assert.ok(!JSON.stringify(watcher.events).includes('alice'), 'the typed name is never shown');
    } finally {
      streams.closeAll();
    }
  });

  it('the (cap+1)th stream from one address gets 429 with Retry-After; another address still gets in', async () => {
    try {
      const from = { 'x-forwarded-for': '10.2.0.1' };
      for (const page of ['A1', 'A2', 'A3']) assert.equal((await streams.add(eventsPath(page), from)).res.statusCode, 200);
      expectTooManyStreams(await streams.add(eventsPath('A4'), from), 'a fourth stream from 10.2.0.1');
      assert.equal((await streams.add(eventsPath('A4'), { 'x-forwarded-for': '10.2.0.2' })).res.statusCode, 200, 'another address');
    } finally {
      streams.closeAll();
    }
    // Closed streams give their places back.
    const again = await until(async () => {
      const stream = await streams.add(eventsPath('A1'), { 'x-forwarded-for': '10.2.0.1' });
      return stream.res.statusCode === 200 || undefined;
    }, 'a place again after closing');
    assert.equal(again, true);
    streams.closeAll();
  });

  it('a page takes at most MAX_PAGE_STREAMS streams, from any addresses; other pages are not affected', async () => {
    try {
      for (let i = 0; i < 6; i++) assert.equal((await streams.add(eventsPath('Crowded'), { 'x-forwarded-for': `10.3.0.${i}` })).res.statusCode, 200);
      expectTooManyStreams(await streams.add(eventsPath('Crowded'), { 'x-forwarded-for': '10.3.1.1' }), 'a seventh stream on the page');
      assert.equal((await streams.add(eventsPath('Elsewhere'), { 'x-forwarded-for': '10.3.1.1' })).res.statusCode, 200);
    } finally {
      streams.closeAll();
    }
  });

  it('a burst of joins and leaves reaches another stream as a few events, and adds up right', async () => {
    try {
      const watcher = await streams.add(eventsPath('Burst'), { 'x-forwarded-for': '10.4.0.1' });
      await watcher.until(() => watcher.editors(), 'the list');
      // Five editors (with the watcher, the page's cap of 6), each from an address of its own.
      const editors = await Promise.all([0, 1, 2, 3, 4].map((i) => streams.add(eventsPath('Burst', `?editing=${session(i)}`), { 'x-forwarded-for': `10.4.1.${i}` })));
      await Promise.all(editors.map((e) => e.until(() => e.of('state')[0], 'state')));
      for (const editor of editors.slice(0, 2)) editor.close();
      const seen = await watcher.until(() => watcher.editors()?.editors.size === 3 && watcher.editors(), 'three editors left');
      assert.equal(seen.others, 0);
      // Seven joins and leaves; each window sends one event at most, and a join then a leave in one window, none.
      assert.ok(watcher.of('presence-change').length < 7, `${watcher.of('presence-change').length} presence events for 7 joins and leaves`);
    } finally {
      streams.closeAll();
    }
  });
});

describe('without TRUST_PROXY, the address is the connection’s', () => {
  let server: RunningServer;
  const streams = new Streams(() => server.url);
  before(async () => {
    server = await startServer({ args: ['--max-streams-per-client', '2'] });
  });
  after(async () => {
    streams.closeAll();
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  it('X-Forwarded-For does not get a client past its cap; another address does', async () => {
    await streams.add(eventsPath('One'));
    await streams.add(eventsPath('Two'));
    expectTooManyStreams(await streams.add(eventsPath('Three'), { 'x-forwarded-for': '10.5.0.1' }), 'a spoofed address');
    // Linux answers on all of 127.0.0.0/8: 127.0.0.2 is another client.
    assert.equal((await streams.add(eventsPath('Three'), {}, '127.0.0.2')).res.statusCode, 200);
  });
});

describe('a crowd on one page (300 editors)', () => {
  const CROWD = 300;
  const WAVE = 50;
  let server: RunningServer;
  const streams = new Streams(() => server.url);
  before(async () => {
    server = await startServer({ args: ['--max-page-streams', '1000', '--max-streams-per-client', '1000'] });
    await createPage(server.url, 'Probe', 'probe\n');
  });
  after(async () => {
    streams.closeAll();
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  it('the bytes pushed grow linearly with joins and leaves, and another request is answered meanwhile', async () => {
    let probing = true;
    const probes: number[] = [];
    const prober = (async () => {
      while (probing) {
        probes.push((await request(`${server.url}/api/pages/Probe`, { timeoutMs: 30_000 })).status);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      // In waves a little longer apart than a presence window, so those already there hear of the rest as changes.
      const crowd: EventStream[] = [];
      for (let wave = 0; wave < CROWD / WAVE; wave++) {
        crowd.push(...(await Promise.all(Array.from({ length: WAVE }, (_, i) => streams.add(eventsPath('Crowd', `?editing=${session(wave * WAVE + i)}`))))));
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      assert.ok(crowd.every((s) => s.res.statusCode === 200));
      const total = (s: EventStream) => {
        const seen = s.editors();
        return seen && seen.editors.size + seen.others;
      };
      for (const stream of crowd) await stream.until(() => total(stream) === CROWD, `all ${CROWD} editors`, 60_000);
      const joinBytes = crowd.reduce((sum, s) => sum + s.bytes, 0);
      // The first to come heard of all the others in a handful of windows, not once per join.
      const heard = crowd[0]!.of('presence-change').length;
      assert.ok(heard >= 1 && heard < CROWD / 4, `${heard} presence events for ${CROWD - 1} joins`);

      const leaving = crowd.slice(0, CROWD / 2);
      const staying = crowd.slice(CROWD / 2);
      const received = () => staying.reduce((sum, s) => sum + s.bytes, 0);
      const beforeLeaving = received();
      for (const stream of leaving) stream.close();
      for (const stream of staying) await stream.until(() => total(stream) === CROWD / 2, `${CROWD / 2} editors left`, 60_000);
      const leaveBytes = received() - beforeLeaving;
      probing = false;
      await prober;

      // Each join costs its own stream the list (at most 20 names) and every stream at most one
      // small event per window; re-sending the whole list to everyone cost megabytes per join here.
      const perJoin = joinBytes / CROWD;
      assert.ok(perJoin < 8 * 1024, `${Math.round(perJoin)} bytes pushed per join`);
      assert.ok(leaveBytes / leaving.length < 8 * 1024, `${Math.round(leaveBytes / leaving.length)} bytes pushed per leave`);
      console.log(`# ${CROWD} joins: ${joinBytes} bytes (${Math.round(perJoin)} per join, ${heard} events to the first); ${leaving.length} leaves: ${leaveBytes} bytes; ${probes.length} probes answered`);
      assert.ok(probes.length >= 1 && probes.every((status) => status === 200), `probes: ${probes.join(' ')}`);
    } finally {
      probing = false;
      await prober;
      streams.closeAll();
    }
  });
});

async function until<T>(check: () => Promise<T | undefined>, what: string, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
