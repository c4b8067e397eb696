import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { routedWikiUrl, splitWikiPath, wikiPathName } from './wiki-url.js';

describe('wiki URLs of subpages', () => {
  const routed: [string, string, string][] = [
    ['a top-level page is left alone', '/wiki/Plan', '/wiki/Plan'],
    ['a top-level action is left alone', '/wiki/Plan/edit', '/wiki/Plan/edit'],
    ['a subpage becomes one segment', '/wiki/Team/Onboarding', '/wiki/Team%2FOnboarding'],
    ['a subpage action', '/wiki/Team/Onboarding/edit', '/wiki/Team%2FOnboarding/edit'],
    ['an action with its own segments', '/wiki/A/B/C/revisions/3', '/wiki/A%2FB%2FC/revisions/3'],
    ['the query is kept', '/wiki/Team/Onboarding/diff?from=1&to=2', '/wiki/Team%2FOnboarding/diff?from=1&to=2'],
    ['the history feed', '/wiki/Team/Onboarding/history.atom', '/wiki/Team%2FOnboarding/history.atom'],
    ['the preview', '/wiki/Team/Onboarding/preview', '/wiki/Team%2FOnboarding/preview'],
    ['an action word first is a page name', '/wiki/edit/Notes', '/wiki/edit%2FNotes'],
    ['encoded segments stay encoded', '/wiki/Caf%C3%A9/Men%C3%BC/move', '/wiki/Caf%C3%A9%2FMen%C3%BC/move'],
    ['the old one-segment spelling is left alone', '/wiki/Team%2FOnboarding/edit', '/wiki/Team%2FOnboarding/edit'],
    ['a "?" in the query does not split the name', '/wiki/Plan?x=/a/b', '/wiki/Plan?x=/a/b'],
    ['other paths are left alone', '/api/pages/Team%2FOnboarding', '/api/pages/Team%2FOnboarding'],
    ['the page index is left alone', '/wiki?name=Team/Onboarding', '/wiki?name=Team/Onboarding'],
  ];
  for (const [label, url, expected] of routed) it(label, () => assert.equal(routedWikiUrl(url), expected));

  it('splits a path into the raw name and the action', () => {
    assert.deepEqual(splitWikiPath('/wiki/Team/Onboarding/revisions/2'), { name: 'Team/Onboarding', action: 'revisions/2' });
    assert.deepEqual(splitWikiPath('/wiki/Team'), { name: 'Team', action: '' });
    assert.equal(splitWikiPath('/api/pages/Team'), undefined);
  });

  it('encodes each segment and keeps "/"', () => {
    assert.equal(wikiPathName('Team/On boarding'), 'Team/On%20boarding');
    assert.equal(wikiPathName('C# tips/?'), 'C%23%20tips/%3F');
    // What the encoder writes, the router reads back as the same name.
    assert.equal(decodeURIComponent(routedWikiUrl(`/wiki/${wikiPathName('Ünï/cödé?/x')}/history`).split('/')[2]!), 'Ünï/cödé?/x');
  });
});
