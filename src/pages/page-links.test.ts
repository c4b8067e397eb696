import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_LINKS_PER_PAGE, pageLinks } from './page-links.js';

describe('pageLinks', () => {
  it('reads [[Page]], [[Page|label]] and [[Page#Section]] as page names, each once, in order', () => {
    const text = 'See [[Home]], [[Team/Onboarding|the guide]] and [[ Release   notes #Week 2]].\n[[Home|again]] [[#Local]] [[Bad/|x]] [[x|]]';
    assert.deepEqual(pageLinks(text), ['Home', 'Team/Onboarding', 'Release notes']);
  });

  it('finds no link across a line break or a bracket, and stops at unclosed links', () => {
    assert.deepEqual(pageLinks('[[A\nB]] [[C[D]] [[E] [[F'), []);
    assert.deepEqual(pageLinks('[[[[G]]'), ['G']);
  });

  it('keeps at most MAX_LINKS_PER_PAGE targets', () => {
    const text = Array.from({ length: MAX_LINKS_PER_PAGE + 50 }, (_, i) => `[[P${i}]]`).join(' ');
    assert.equal(pageLinks(text).length, MAX_LINKS_PER_PAGE);
  });

  // A quadratic scan of these (1.2 MB each) would not finish within the test timeout.
  it('gets through hostile input: a page of "[[", of "[[x" and of "[[x|"', () => {
    for (const unit of ['[[', '[[x', '[[x|']) assert.deepEqual(pageLinks(unit.repeat(400_000)), []);
  });
});
