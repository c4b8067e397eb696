// The snippet of a search hit, made here from the page's stored plain text for both stores,
// so SQLite and PostgreSQL mark the same words the same way. One pass over the text, which
// the store has already cut to SEARCHABLE_CHARACTERS, stopping at the first window that
// holds every word of the query.
import { type SearchQuery, queryTerms } from './search-query.js';
import { indexWords } from './search-terms.js';
import { SNIPPET_MARK_CLOSE, SNIPPET_MARK_OPEN } from './store.js';

const SNIPPET_WORDS = 24;
/** Words shown before the first match. */
const LEAD_WORDS = 4;
const TOKEN = /[\p{L}\p{N}\p{M}]+/gu;
const MARKS = /[\u0002\u0003]/g;

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
    for (const piece of indexWords(token)) {
      const i = terms.findIndex((t) => (t.prefix ? piece.startsWith(t.word) : piece === t.word));
      if (i >= 0) return i;
    }
    return -1;
  };
  const distinct = new Set(terms.map((t) => t.word)).size;
  const tokens: Token[] = [];
  // A window of SNIPPET_WORDS tokens ending at the current one; counts of each term in it.
  const inWindow = new Map<number, number>();
  let best = { first: 0, score: 0 };
  // Once a window holds every term, only the tokens it shows are still needed.
  let stopAt = Number.POSITIVE_INFINITY;
  for (const m of text.matchAll(TOKEN)) {
    if (tokens.length >= stopAt) break;
    const token = { start: m.index, end: m.index + m[0].length, term: matchOf(m[0]) };
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
  return render(text, tokens, best.first);
}

function render(text: string, tokens: readonly Token[], first: number): string {
  const shown = tokens.slice(first, first + SNIPPET_WORDS);
  if (shown.length === 0) return '';
  let out = first > 0 ? '…' : '';
  let at = shown[0]!.start;
  for (const token of shown) {
    out += clean(text.slice(at, token.start));
    const word = clean(text.slice(token.start, token.end));
    out += token.term >= 0 ? `${SNIPPET_MARK_OPEN}${word}${SNIPPET_MARK_CLOSE}` : word;
    at = token.end;
  }
  const last = shown[shown.length - 1]!;
  // The scan may have stopped early: more text follows when any word does.
  const more = first + SNIPPET_WORDS < tokens.length || /[\p{L}\p{N}]/u.test(text.slice(last.end));
  return `${out}${clean(text.slice(last.end, last.end + 1)).trimEnd()}${more ? '…' : ''}`;
}

/** Whitespace as single spaces; the mark characters never come from the text itself. */
function clean(text: string): string {
  return text.replace(MARKS, '').replace(/\s+/g, ' ');
}
