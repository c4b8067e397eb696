// The [[link]] rule reads a text about once, and rendering in parts gives the same HTML.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { joinParts, parseMarkdown, renderMarkdown, renderParts } from './markdown.js';
import { wikiLinkClose } from './wiki-links.js';

describe('wikiLinkClose', () => {
  const cases: [string, string, number][] = [
    ['closes at the first "]]"', '[[Home]] [[x]]', 6],
    ['stops at a "[" (it cannot be in a target)', '[[Ho[me]]', -1],
    ['stops at a line break', '[[Ho\nme]]', -1],
    ['a single "]" ends it', '[[Ho]me]]', -1],
    ['no close before the end of the inline block', '[[Home]', -1],
  ];
  for (const [name, text, close] of cases) it(name, () => assert.equal(wikiLinkClose(text, 2, text.length), close));

  it('respects the end of the inline block', () => {
    assert.equal(wikiLinkClose('[[Home]]', 2, 7), -1);
  });

  it('reads each character of a page of "[[" a bounded number of times', () => {
    // What the rule does at every "[[" of the page, counting every character the scans read.
    const text = `${'[['.repeat(50_000)}${'a'.repeat(1000)}\n${'[[a'.repeat(10_000)}`;
    let reads = 0;
    const counted = { charCodeAt: (i: number) => (reads++, text.charCodeAt(i)) } as unknown as string;
    for (let pos = 0; pos + 1 < text.length; pos++) {
      if (text[pos] === '[' && text[pos + 1] === '[') assert.equal(wikiLinkClose(counted, pos + 2, text.length), -1);
    }
    assert.ok(reads <= 2 * text.length, `${reads} reads for ${text.length} characters`);
  });
});

describe('renderParts', () => {
  const sources = [
    'See [[Home]], [[Missing page|a label]] and [[Home]] again.',
    '# Title\n\n| a | b |\n|---|---|\n| [[X]] | [y](https://example.org) |\n\n![i](/a.png) `[[not]]`',
    '[['.repeat(1000),
    'no links at all, \u0000 with a NUL',
  ];
  for (const source of sources) {
    it(`joins to the HTML of renderMarkdown: ${JSON.stringify(source.slice(0, 30))}`, () => {
      const existing = new Set(['Home', 'X']);
      assert.equal(joinParts(renderParts(source), existing), renderMarkdown(parseMarkdown(source), existing));
    });
  }

  it('renders a page of "[[" (977 KiB) as text, with no link', () => {
    const source = '[['.repeat(500_000);
    const rendered = renderParts(source);
    assert.deepEqual(rendered.links, []);
    assert.equal(rendered.parts.join(''), `<p>${source}</p>\n`);
  });
});
