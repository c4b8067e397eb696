// Heading ids, their numbering when repeated, and the table of contents.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headingId, UniqueIds } from './headings.js';
import { parseMarkdown, renderMarkdown } from './markdown.js';

const render = (source: string) => renderMarkdown(parseMarkdown(source), new Set());
const ids = (html: string) => [...html.matchAll(/<h[1-6] id="([^"]*)"/g)].map((m) => m[1]);

describe('headingId', () => {
  const cases: [string, string, string][] = [
    ['lower case, spaces as "-"', 'Next Steps', 'section-next-steps'],
    ['keeps letters of every script', 'Café Ünïcode Привет 東京', 'section-café-ünïcode-привет-東京'],
    ['punctuation runs are one "-", none at the ends', '  What? (and why!) ', 'section-what-and-why'],
    ['markup characters go', '<script>&"\'', 'section-script'],
    ['nothing left is the bare prefix', '!!!', 'section'],
    ['composed and decomposed accents are one id', 'Cafe\u0301', 'section-café'],
  ];
  for (const [name, text, id] of cases) it(name, () => assert.equal(headingId(text), id));
});

describe('UniqueIds', () => {
  it('numbers repeats from 2, skipping ids headings already took', () => {
    const unique = new UniqueIds();
    assert.deepEqual(['a', 'a-2', 'a', 'a', 'a-3'].map((id) => unique.claim(id)), ['a', 'a-2', 'a-3', 'a-4', 'a-3-2']);
  });

  it('stays linear: many repeats after many numbered ids', () => {
    const unique = new UniqueIds();
    const taken = new Set<string>();
    const n = 50_000;
    for (let i = 2; i <= n; i++) taken.add(unique.claim(`a-${i}`));
    const started = performance.now();
    for (let i = 0; i < n; i++) taken.add(unique.claim('a'));
    assert.equal(taken.size, 2 * n - 1, 'every id is distinct');
    // Quadratic numbering would try about n²/2 = 1.25e9 candidates here (minutes).
    assert.ok(performance.now() - started < 5000);
  });
});

describe('table of contents', () => {
  it('is not shown below three headings', () => {
    const html = render('# One\n\n## Two\n');
    assert.doesNotMatch(html, /class="contents"/);
    assert.deepEqual(ids(html), ['section-one', 'section-two']);
  });

  it('nests by level, links every heading, and comes after the opening paragraph', () => {
    const html = render('Intro.\n\n# Plan\n\n## Tasks\n\n### Details\n\n## Tasks\n\n# Close\n');
    assert.ok(html.indexOf('<p>Intro.</p>') < html.indexOf('<nav class="contents"'));
    assert.ok(html.indexOf('<nav class="contents"') < html.indexOf('<h1'));
    const nav = /<nav class="contents"[\s\S]*?<\/nav>/.exec(html)![0];
    assert.equal(
      nav.replace(/\n/g, ''),
      '<nav class="contents" aria-label="Contents"><p class="contents-title">Contents</p><ol>' +
        '<li><a href="#section-plan">Plan</a><ol><li><a href="#section-tasks">Tasks</a><ol><li><a href="#section-details">Details</a></li></ol></li>' +
        '<li><a href="#section-tasks-2">Tasks</a></li></ol></li><li><a href="#section-close">Close</a></li></ol></nav>',
    );
    assert.deepEqual(ids(html), ['section-plan', 'section-tasks', 'section-details', 'section-tasks-2', 'section-close']);
  });

  it('is well nested whatever the order of levels', () => {
    const html = render('### c\n\n# a\n\n#### d\n\n## b\n\n###### f\n');
    const nav = /<nav class="contents"[\s\S]*?<\/nav>/.exec(html)![0];
    let depth = 0;
    for (const [tag] of nav.matchAll(/<\/?(ol|li)>|<li>/g)) {
      depth += tag.startsWith('</') ? -1 : 1;
      assert.ok(depth >= 0, nav);
    }
    assert.equal(depth, 0, nav);
    assert.equal([...nav.matchAll(/<a href/g)].length, 5);
  });

  it('shows heading text only, escaped, without links or emphasis', () => {
    const html = render('# **Bold** [[Home]] `<code>`\n\n# b\n\n# c\n');
    assert.match(html, /<li><a href="#section-bold-home-code">Bold Home &lt;code&gt;<\/a>/);
  });
});
