import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fts5Match, parseSearchQuery, tsqueryText } from './search-query.js';
import { searchSnippet } from './search-snippet.js';
import { MAX_TERMS } from './search-terms.js';
import { SNIPPET_MARK_CLOSE as C, SNIPPET_MARK_OPEN as O } from './store.js';

describe('parseSearchQuery: what people type, spelled for each store', () => {
  const cases: [string, string, string, string][] = [
    // name, input, FTS5 MATCH, tsquery
    ['plain words, all required; the last one typed is a prefix', 'memory Leak', '"memory" "leak" *', "'memory' & 'leak':*"],
    ['a trailing star is a prefix', 'roll* go', '"roll" * "go"', "'roll':* & 'go'"],
    ['a short last word is not a prefix', 'go', '"go"', "'go'"],
    ['a one-letter star is not a prefix', 'x*', '"x"', "'x'"],
    ['a quoted phrase is a phrase', '"quick brown" fox', '"quick brown" "fox" *', "('quick' <-> 'brown') & 'fox':*"],
    ['a star after a phrase makes its last word a prefix', '"roll ou"*', '"roll ou" *', "('roll' <-> 'ou':*)"],
    ['a word with punctuation inside is a phrase, as the text reads', 'e-mail', '"e mail"', "('e' <-> 'mail')"],
    ['a lone quote is just a character', 'apples "', '"apples" *', "'apples':*"],
    ['accents and case are folded', 'Crème BRÛLÉE', '"creme" "brulee" *', "'creme' & 'brulee':*"],
    ['operators are words', 'AND OR NOT', '"and" "or" "not" *', "'and' & 'or' & 'not':*"],
    ['syntax characters are nothing', '( ) - * " : ^ { } \' \\', '', ''],
    ['repeated words count once', 'the the THE', '"the"', "'the'"],
  ];
  for (const [name, input, fts5, tsquery] of cases) {
    it(name, () => {
      const query = parseSearchQuery(input);
      assert.equal(fts5Match(query), fts5);
      assert.equal(tsqueryText(query), tsquery);
    });
  }

  it(`keeps at most ${MAX_TERMS} words`, () => {
    const query = parseSearchQuery(Array.from({ length: 100 }, (_, i) => `w${i}`).join(' '));
    assert.equal(query.parts.flatMap((part) => part.words).length, MAX_TERMS);
  });

  it('queries that find the same pages share a key', () => {
    assert.equal(parseSearchQuery('Onboard').key, parseSearchQuery(' onboard* ').key);
    assert.notEqual(parseSearchQuery('"a b"').key, parseSearchQuery('a b').key);
  });
});

describe('searchSnippet', () => {
  it('shows the window holding every word, marked, with an ellipsis where the text goes on', () => {
    const text = `${'Filler words here. '.repeat(20)}The memory leak was in the parser. ${'More words after. '.repeat(20)}`;
    const snippet = searchSnippet(text, parseSearchQuery('leak parser'));
    assert.match(snippet, new RegExp(`^…words here\\. The memory ${O}leak${C} was in the ${O}parser${C}\\. More`));
    assert.ok(snippet.endsWith('…'));
  });

  it('marks accented words for unaccented queries, and prefixes', () => {
    assert.equal(searchSnippet('Une crème brûlée.', parseSearchQuery('creme brul')), `Une ${O}crème${C} ${O}brûlée${C}.`);
  });

  it('a text without the words shows its start unmarked; mark characters in the text are dropped', () => {
    assert.equal(searchSnippet(`Just \u0002some\u0003 text.`, parseSearchQuery('absent')), 'Just some text.');
  });
});
