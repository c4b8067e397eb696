// PUT /api/pages/{name} with a stale If-Match: the 412 carries a three-way merge proposal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPage, getPage, putPage } from './support/http.js';
import { serverPerSuite } from './support/server.js';

const suite = serverPerSuite();

interface Merge {
  base: string;
  clean: boolean;
  content: string;
  conflicts: { start: number; end: number; mine: string; theirs: string; base: string }[];
}

const text = 'alpha\nbeta\ngamma\ndelta\nepsilon\nzeta\n';

async function collide(name: string, theirs: string, mine: string, headers?: (stale: string) => Record<string, string>) {
  const stale = await createPage(suite.url, name, text);
  const second = await putPage(suite.url, name, theirs, { 'if-match': stale });
  assert.equal(second.status, 200);
  const res = await putPage(suite.url, name, mine, headers ? headers(stale) : { 'if-match': stale });
  return { stale, current: second.headers.etag as string, res };
}

describe('the 412 merge extension', () => {
  it('a clean merge: merge.content has both changes and saves with If-Match: currentEtag', async () => {
    const { stale, current, res } = await collide('Clean', text.replace('beta', 'BETA'), text.replace('zeta', 'ZETA'));
    assert.equal(res.status, 412);
    const problem = res.json<{ currentEtag: string; merge: Merge }>();
    assert.equal(problem.currentEtag, current);
    assert.deepEqual(problem.merge, { base: stale, clean: true, content: text.replace('beta', 'BETA').replace('zeta', 'ZETA'), conflicts: [] });
    const saved = await putPage(suite.url, 'Clean', problem.merge.content, { 'if-match': problem.currentEtag });
    assert.equal(saved.status, 200);
    assert.equal((await getPage(suite.url, 'Clean')).text(), text.replace('beta', 'BETA').replace('zeta', 'ZETA'));
  });

  it('a conflicted merge: marker blocks in content, located by start/end lines, with each side', async () => {
    const { res } = await collide('Conflicted', text.replace('gamma', 'their gamma'), text.replace('gamma', 'my gamma'));
    const merge = res.json<{ merge: Merge }>().merge;
    assert.equal(merge.clean, false);
    assert.deepEqual(merge.conflicts, [{ start: 2, end: 9, mine: 'my gamma\n', theirs: 'their gamma\n', base: 'gamma\n' }]);
    const lines = merge.content.split('\n');
    assert.deepEqual(lines.slice(2, 9), ['<<<<<<< mine', 'my gamma', '||||||| base', 'gamma', '=======', 'their gamma', '>>>>>>> theirs']);
  });

  it('a tag of a content-coded variant names the same base revision', async () => {
    const { stale, res } = await collide('Coded', text.replace('beta', 'B'), text.replace('zeta', 'Z'), (s) => ({ 'if-match': `${s.slice(0, -1)}+gzip"` }));
    assert.equal(res.status, 412);
    assert.equal(res.json<{ merge: Merge }>().merge.base, stale);
  });

  it('the first tag of an If-Match list that names an earlier revision is the base', async () => {
    const { stale, res } = await collide('Listed', text.replace('beta', 'B'), text.replace('zeta', 'Z'), (s) => ({ 'if-match': `"nope", ${s}` }));
    assert.equal(res.json<{ merge: Merge }>().merge.base, stale);
  });

  it('no merge for tags that name no revision, weak tags, *, or If-None-Match: *', async () => {
    const cases: [string, Record<string, string>][] = [
      ['Unknown', { 'if-match': '"never-handed-out"' }],
      ['Weak', { 'if-match': 'W/"x"' }],
      ['CreateOnly', { 'if-none-match': '*' }],
    ];
    for (const [name, headers] of cases) {
      const { res } = await collide(name, text.replace('beta', 'B'), text, (s) => (name === 'Weak' ? { 'if-match': `W/${s}` } : headers));
      assert.equal(res.status, 412, name);
      assert.equal(res.json<Record<string, unknown>>()['merge'], undefined, name);
    }
  });

  it('no merge when the page was deleted: currentEtag is null', async () => {
    const stale = await createPage(suite.url, 'Gone', text);
    await fetch(`${suite.url}/api/pages/Gone`, { method: 'DELETE', headers: { 'if-match': stale } });
    const res = await putPage(suite.url, 'Gone', 'mine', { 'if-match': stale });
    assert.equal(res.status, 412);
    const problem = res.json<Record<string, unknown>>();
    assert.equal(problem['currentEtag'], null);
    assert.equal(problem['merge'], undefined);
  });
});
