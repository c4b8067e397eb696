// Hostile pages do not stall the server: while pathological pages are viewed and diffed, a
// probe client keeps getting answers, and the hostile requests get 200 with a degraded page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createPage, putPage, request } from './support/http.js';
import { type RunningServer, removeDir, startServer } from './support/server.js';

let server: RunningServer;

before(async () => {
  // One thread and a 1 s budget: the page of "[[" (about 2.5 s of markdown-it) runs out of time;
  // the other pages, queued behind it, are not cut short (the budget starts when a thread takes them).
  server = await startServer({ args: ['--render-threads', '1', '--render-timeout', '1000'] });
  await createPage(server.url, 'Small', 'A *small* page that links to [[Home]].');
  // Rendered once now: the probe measures the event loop, not a render queued behind hostile ones.
  assert.equal((await request(`${server.url}/wiki/Small`)).status, 200);
});
after(async () => {
  await server.stop();
  removeDir(server.dataDir);
});

const wiki = (path: string) => `${server.url}/wiki/${path}`;

/** Fetches the small page until `until` settles; returns how many answers came meanwhile. */
async function probeDuring<T>(until: Promise<T>): Promise<{ answers: number; statuses: Set<number>; result: T }> {
  let settled = false;
  const done = until.finally(() => (settled = true));
  let answers = 0;
  const statuses = new Set<number>();
  const deadline = Date.now() + 120_000;
  while (!settled && Date.now() < deadline) {
    const res = await request(wiki('Small'));
    statuses.add(res.status);
    answers++;
  }
  return { answers, statuses, result: await done };
}

describe('pathological pages', () => {
  const line = `${Array(250).fill('a').join(' ')}\n`;
  const lines = 1900; // about 950 KB per revision, under the 1 MiB body limit

  before(async () => {
    await createPage(server.url, 'Brackets', '[['.repeat(480_000));
    const etag = await createPage(server.url, 'Repeated', line.repeat(lines));
    const second = await putPage(server.url, 'Repeated', line.replace('\n', ' b\n').repeat(lines), { 'if-match': etag });
    assert.equal(second.status, 200);
  });

  it('are viewed and diffed, degraded with a note, while the probe keeps being answered', async () => {
    const hostile = Promise.all([
      request(wiki('Brackets')),
      request(wiki('Repeated/diff?from=1&to=2')),
      request(wiki('Brackets')),
      request(wiki('Repeated/revisions/1')),
    ]);
    const { answers, statuses, result } = await probeDuring(hostile);
    assert.deepEqual([...statuses], [200]);
    assert.ok(answers >= 5, `the probe got ${answers} answers while the hostile requests ran`);

    const [brackets, diff, again, revision] = result;
    for (const res of result) assert.equal(res.status, 200);
    assert.match(brackets.text(), /took too long to format, so it is shown as its source text/);
    assert.match(brackets.text(), /<pre class="page-source">\n\[\[\[\[/);
    assert.match(again.text(), /shown as its source text/);
    // A diff past its word budget shows lines only; one past its time shows a note instead.
    assert.match(diff.text(), /too large to compare word by word|took too long to compute/);
    assert.match(revision.text(), /<p>a a a/);
  });

  it('a preview that runs out of time shows the text as its source, as a page view does', async () => {
    const res = await request(wiki('Brackets/preview'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
      body: `content=${'%5B'.repeat(960_000)}`,
    });
    assert.equal(res.status, 200);
    assert.match(res.text(), /^<p class="notice render-out-of-time">[^<]*shown as its source text/);
    assert.match(res.text(), /<pre class="page-source">\n\[\[\[\[/);
  });

  it('a revision that ran out of time is remembered: a second viewer gets the source at once', async () => {
    const res = await request(wiki('Brackets'), { headers: { 'accept-language': 'de' } });
    assert.equal(res.status, 200);
    assert.match(res.text(), /shown as its source text/);
  });
});

describe('generated hostile Markdown', () => {
  const fragment = fc.constantFrom('*', '**', '_', '__', '[', ']', '[[', ']]', '(', ')', '|', '| a |', '|---|', '\n', '\n\n', '> ', '- ', '1. ', '`', '```\n', 'a', ' ', '![x](', '](http://a.b)', '<', '&', '~~', '#', '\\');
  const run = fc.tuple(fc.array(fragment, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 40_000 })).map(([parts, times]) => parts.join('').repeat(times));
  const page = fc.array(run, { minLength: 1, maxLength: 4 }).map((runs) => runs.join('').slice(0, 600_000));

  it('never gets a 5xx, and the probe is answered meanwhile', async () => {
    let n = 0;
    let probeAnswers = 0;
    const seen: number[] = [];
    await fc.assert(
      fc.asyncProperty(page, page, async (first, second) => {
        const name = `Generated ${n++}`;
        const created = await putPage(server.url, name, first, { 'if-none-match': '*' });
        assert.equal(created.status, 201);
        const updated = await putPage(server.url, name, second, { 'if-match': created.headers.etag! });
        assert.equal(updated.status, 200);
        const path = encodeURIComponent(name);
        const { answers, statuses, result } = await probeDuring(
          Promise.all([request(wiki(path)), request(wiki(`${path}/diff?from=1&to=2`)), request(wiki(`${path}/revisions/1`))]),
        );
        probeAnswers += answers;
        for (const status of statuses) assert.ok(status < 500, `probe got ${status}`);
        for (const res of result) {
          seen.push(res.status);
          assert.equal(res.status, 200, `${res.status} for ${JSON.stringify(first.slice(0, 80))}`);
        }
      }),
      { numRuns: 12, endOnFailure: true },
    );
    assert.equal(seen.length, 36);
    assert.ok(probeAnswers >= 12, `the probe got ${probeAnswers} answers`);
  });
});
