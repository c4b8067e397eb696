// The snippet of a search hit, made here from the page's stored plain text for both stores,
// so SQLite and PostgreSQL mark the same words the same way. One pass over the text, which
// the store has already cut to SEARCHABLE_CHARACTERS, stopping at the first window that
// holds every word of the query.
import { type SearchQuery, queryTerms } from './search-query.js';
import { indexWords } from './search-terms.js';
import { SNIPPET_MARK_CLOSE, SNIPPET_MARK_OPEN } from './store.js';

/**
 * The characters of a page's text a snippet is cut from: the stores keep no more of it (the
 * index has every word), so a hit whose words lie further on shows its start, unmarked.
 */
export const SNIPPET_SOURCE_CHARACTERS = 16_384;

/** What a store keeps of a page's text for its snippets. */
export function snippetSource(text: string): string {
  return text.slice(0, SNIPPET_SOURCE_CHARACTERS);
}
const SNIPPET_WORDS = 24;
/** Words shown before the first match. */
const LEAD_WORDS = 4;
const TOKEN = /[\p{L}\p{N}\p{M}]+/gu;
const MARKS = /[\u0002\u0003]/g;
// eslint-disable-next-line no-control-regex
const ASCII = /^[\u0000-\u007f]*$/;
const ASCII_TOKEN = /^[a-z0-9]+$/i;
/** Characters of context kept before the first match when the scan starts there. */
const LEAD_CHARACTERS = 80;

interface Token {
  readonly start: number;
  readonly end: number;
  /** Index of the query term it matches, or -1. */
  readonly term: number;
}

/** Plain text around the best-matching window, matched words between the snippet marks. */
export function searchSnippet(text: string, query: SearchQuery): string {
  const terms = queryTerms(query);
  const matchOf = (token: string): number => {
    // Most words are ASCII: lower case is their whole normalisation.
    if (ASCII_TOKEN.test(token)) {
      const word = token.toLowerCase();
      return terms.findIndex((t) => (t.prefix ? word.startsWith(t.word) : word === t.word));
    }
    for (const piece of indexWords(token)) {
      const i = terms.findIndex((t) => (t.prefix ? piece.startsWith(t.word) : piece === t.word));
      if (i >= 0) return i;
    }
    return -1;
  };
  const distinct = new Set(terms.map((t) => t.word)).size;
  const tokens: Token[] = [];
  const from = scanStart(text, terms);
  // A window of SNIPPET_WORDS tokens ending at the current one; counts of each term in it.
  const inWindow = new Map<number, number>();
  let best = { first: 0, score: 0 };
  // Once a window holds every term, only the tokens it shows are still needed.
  let stopAt = from === undefined ? SNIPPET_WORDS : Number.POSITIVE_INFINITY;
  const scan = new RegExp(TOKEN);
  scan.lastIndex = from ?? 0;
  for (let m = scan.exec(text); m !== null && tokens.length < stopAt; m = scan.exec(text)) {
    const token = { start: m.index, end: m.index + m[0].length, term: from === undefined ? -1 : matchOf(m[0]) };
    tokens.push(token);
    if (stopAt !== Number.POSITIVE_INFINITY) continue;
    if (token.term >= 0) inWindow.set(token.term, (inWindow.get(token.term) ?? 0) + 1);
    const leaving = tokens[tokens.length - 1 - SNIPPET_WORDS];
    if (leaving && leaving.term >= 0) {
      const left = inWindow.get(leaving.term)! - 1;
      if (left === 0) inWindow.delete(leaving.term);
      else inWindow.set(leaving.term, left);
    }
    if (token.term >= 0 && inWindow.size > best.score) {
      // Start a little before the window's first match, so it reads in context.
      let first = Math.max(0, tokens.length - SNIPPET_WORDS);
      while (tokens[first]!.term < 0) first++;
      best = { first: Math.max(0, first - LEAD_WORDS), score: inWindow.size };
      if (best.score >= distinct) stopAt = best.first + SNIPPET_WORDS;
    }
  }
  return render(text, tokens, best.first, (from ?? 0) > 0);
}

/**
 * Where the scan may start: a little before the first place a term occurs as typed, found by
 * one regular expression (in an ASCII text, lower case is the whole normalisation, so that is
 * the first match; elsewhere an accented form may come earlier and is passed over). Undefined
 * when an ASCII text holds no term (the page matched by its name); 0 when another text holds
 * none as typed.
 */
function scanStart(text: string, terms: readonly { word: string; prefix: boolean }[]): number | undefined {
  // Terms are letters and digits only, so they are literal in a pattern.
  const pattern = new RegExp(terms.map((t) => `(?<![a-z0-9])${t.word}${t.prefix ? '' : '(?![a-z0-9])'}`).join('|'), 'i');
  const at = text.search(pattern);
  if (at < 0) return ASCII.test(text) ? undefined : 0;
  let start = Math.max(0, at - LEAD_CHARACTERS);
  // Not from the middle of a word.
  while (start > 0 && start < at && /[a-z0-9]/i.test(text[start - 1]!)) start++;
  return start;
}

function render(text: string, tokens: readonly Token[], first: number, cut: boolean): string {
  const shown = tokens.slice(first, first + SNIPPET_WORDS);
  if (shown.length === 0) return '';
  let out = first > 0 || cut ? '…' : '';
  let at = shown[0]!.start;
  for (const token of shown) {
    out += clean(text.slice(at, token.start));
    const word = clean(text.slice(token.start, token.end));
    out += token.term >= 0 ? `${SNIPPET_MARK_OPEN}${word}${SNIPPET_MARK_CLOSE}` : word;
    at = token.end;
  }
  const last = shown[shown.length - 1]!;
  // The scan may have stopped early: more text follows when any word does.
  const word = /[\p{L}\p{N}]/gu;
  word.lastIndex = last.end;
  const more = first + SNIPPET_WORDS < tokens.length || word.test(text);
  return `${out}${clean(text.slice(last.end, last.end + 1)).trimEnd()}${more ? '…' : ''}`;
}

/** Whitespace as single spaces; the mark characters never come from the text itself. */
function clean(text: string): string {
  return text.replace(MARKS, '').replace(/\s+/g, ' ');
}
