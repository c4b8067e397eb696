// One write path (src/pages): the API's PUT with If-Match and the wiki's form POST with
// baseEtag, given the same generated edits from a common base, give the same answer (saved
// or refused) and propose the same merge (clean, content, conflicts). Real HTTP against one
// real server process; fast-check with a bounded number of runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeEntities, form, textareaValue } from './e2e/html.js';
import { createPage, getPage, putPage, request } from './support/http.js';
import { serverPerSuite } from './support/server.js';

const suite = serverPerSuite();

interface Conflict {
  start: number;
  end: number;
  mine: string;
  theirs: string;
  base: string;
}
type Answer = { saved: true; text: string } | { saved: false; clean: boolean; content: string; conflicts: Conflict[] };

const line = fc.constantFrom('alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta');
const baseLines = fc.array(line, { minLength: 3, maxLength: 8 });

/** An edit of `lines`: some replaced, some removed, some added (maybe none at all). */
function edited(lines: readonly string[]) {
  return fc.array(fc.tuple(fc.nat(lines.length), fc.constantFrom('keep', 'replace', 'remove', 'insert'), line), { maxLength: 3 }).map((ops) => {
    const out = [...lines];
    for (const [at, op, text] of ops) {
      const i = Math.min(at, out.length);
      if (op === 'replace' && i < out.length) out[i] = text.toUpperCase();
      if (op === 'remove' && i < out.length) out.splice(i, 1);
      if (op === 'insert') out.splice(i, 0, `${text} ${i}`);
    }
    return out;
  });
}

const scenario = baseLines.chain((base) =>
  fc.record({
    base: fc.constant(base),
    theirs: edited(base),
    mine: edited(base),
    // The browser sends CRLF; an API client may too.
    crlf: fc.boolean(),
    // An API client may send the tag of the gzip variant it read.
    coded: fc.boolean(),
  }),
);

const text = (lines: readonly string[]) => lines.map((l) => `${l}\n`).join('');

/** The conflicts a conflict screen lists, read from its fieldsets. */
function conflictsOf(html: string): Conflict[] {
  const sets = html.split('<fieldset class="conflict').slice(1);
  const pre = (set: string, kind: string) => decodeEntities(new RegExp(`<pre data-text="${kind}">([\\s\\S]*?)</pre>`).exec(set)![1]!.replace(/^\n/, ''));
  return sets.map((set) => ({
    start: Number(/data-start="(\d+)"/.exec(set)![1]),
    end: Number(/data-end="(\d+)"/.exec(set)![1]),
    mine: pre(set, 'mine'),
    theirs: pre(set, 'theirs'),
    base: pre(set, 'base'),
  }));
}

async function collide(name: string, base: string, theirs: string): Promise<string> {
  const stale = await createPage(suite.url, name, base);
  const second = await putPage(suite.url, name, theirs, { 'if-match': stale });
  assert.equal(second.status, 200);
  return stale;
}

async function viaApi(name: string, base: string, theirs: string, mine: string, coded: boolean): Promise<Answer> {
  const stale = await collide(name, base, theirs);
  const res = await putPage(suite.url, name, mine, { 'if-match': coded ? `${stale.slice(0, -1)}+gzip"` : stale });
  if (res.status === 200) return { saved: true, text: (await getPage(suite.url, name)).text() };
  assert.equal(res.status, 412, res.text());
  const merge = res.json<{ merge?: { clean: boolean; content: string; conflicts: Conflict[] } }>().merge;
  assert.ok(merge, `a 412 with a known base proposes a merge: ${res.text()}`);
  return { saved: false, clean: merge.clean, content: merge.content, conflicts: merge.conflicts };
}

async function viaWiki(name: string, base: string, theirs: string, mine: string): Promise<Answer> {
  const stale = await collide(name, base, theirs);
  const res = await request(`${suite.url}/wiki/${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form({ content: mine, baseEtag: stale, summary: '' }),
  });
  if (res.status === 303) return { saved: true, text: (await getPage(suite.url, name)).text() };
  const html = res.text();
  // "Already saved": the page is the user's text, the merge the text itself.
  if (res.status === 200) return { saved: false, clean: true, content: (await getPage(suite.url, name)).text(), conflicts: [] };
  assert.equal(res.status, 409, html);
  const conflicts = conflictsOf(html);
  return { saved: false, clean: conflicts.length === 0, content: textareaValue(html, 'content')!, conflicts };
}

let runs = 0;
const seen = { saved: 0, clean: 0, conflicted: 0 };

describe('the API and the wiki write through one path', () => {
  it('same edits from a common base: same outcome, same merge', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ base, theirs, mine, crlf, coded }) => {
        runs++;
        const mineText = crlf ? text(mine).replace(/\n/g, '\r\n') : text(mine);
        const api = await viaApi(`Api ${runs}`, text(base), text(theirs), mineText, coded);
        const wiki = await viaWiki(`Wiki ${runs}`, text(base), text(theirs), mineText);
        // The wiki saves LF (a textarea's CRLF is the browser's); the API saves the body as sent.
        seen[api.saved ? 'saved' : api.clean ? 'clean' : 'conflicted']++;
        if (api.saved && wiki.saved) assert.equal(api.text.replace(/\r\n/g, '\n'), wiki.text);
        else assert.deepEqual(wiki, api);
      }),
      { numRuns: 30 },
    );
    assert.equal(runs, 30);
    // The generator reaches both merges, clean and conflicted (30 runs make missing either unlikely).
    assert.ok(seen.clean > 0 && seen.conflicted > 0, JSON.stringify(seen));
  });
});
