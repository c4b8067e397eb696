// What people type into a search box, parsed once for every store: plain words (all
// required), "quoted phrases", and prefixes (a trailing `*`, or simply the last word typed).
// Nothing else is syntax, so no input can cause a syntax error or an unbounded query; each
// store spells the parsed query in its own language (FTS5 MATCH, tsquery) from lexemes that
// are letters and digits only.
import { indexWords, MAX_TERMS } from './search-terms.js';

/** One required match: a single word (one element) or a phrase; `prefix` applies to its last word. */
export interface QueryPart {
  readonly words: readonly string[];
  readonly prefix: boolean;
}

export interface SearchQuery {
  readonly parts: readonly QueryPart[];
  /** A canonical spelling: equal for queries that find the same pages (a cache key). */
  readonly key: string;
}

/**
 * Past this many matching pages a query is unselective ("the"): ranking every match would
 * cost more than a request may take, so such results list the pages whose name matches
 * first, then the most recently changed. Both stores decide from the same count.
 */
export const RANKED_MATCHES = 2000;

// A prefix shorter than this would expand to a large share of the vocabulary.
const MIN_IMPLICIT_PREFIX = 3;
const MIN_EXPLICIT_PREFIX = 2;

/** Parses a query; at most MAX_TERMS words in all, later ones are dropped. */
export function parseSearchQuery(input: string): SearchQuery {
  const parts: QueryPart[] = [];
  const seen = new Set<string>();
  let budget = MAX_TERMS;
  const add = (words: string[], prefix: boolean) => {
    words = words.slice(0, budget);
    if (words.length === 0) return;
    const last = words[words.length - 1]!;
    const part = { words, prefix: prefix && last.length >= MIN_EXPLICIT_PREFIX };
    const key = partKey(part);
    if (seen.has(key)) return;
    seen.add(key);
    parts.push(part);
    budget -= words.length;
  };
  // Quotes pair left to right; a lone last quote is just a character.
  const pieces = input.split('"');
  if (pieces.length % 2 === 0) pieces[pieces.length - 2] += ` ${pieces.pop()!}`;
  let lastLoose: { part: number; typed: boolean } | undefined;
  pieces.forEach((piece, i) => {
    if (i % 2 === 1) {
      // A phrase; `"roll ou"*` makes its last word a prefix.
      add(indexWords(piece), pieces[i + 1]?.startsWith('*') ?? false);
      lastLoose = undefined;
      return;
    }
    for (const chunk of piece.split(/\s+/)) {
      const words = indexWords(chunk);
      if (words.length === 0) continue;
      // `roll*` is a prefix; `a-b` (one chunk, several words) is a phrase, as the text reads.
      const starred = /\*\s*$/u.test(chunk);
      const before = parts.length;
      add(words, starred);
      lastLoose = parts.length > before ? { part: parts.length - 1, typed: !starred } : undefined;
    }
  });
  // The word being typed is a prefix: `Onboard` finds "Onboarding".
  if (lastLoose?.typed && pieces.at(-1)!.trimEnd().length > 0) {
    const part = parts[lastLoose.part]!;
    if (part.words.length === 1 && part.words[0]!.length >= MIN_IMPLICIT_PREFIX) parts[lastLoose.part] = { ...part, prefix: true };
  }
  return { parts, key: parts.map(partKey).join(' ') };
}

function partKey(part: QueryPart): string {
  return `${part.words.length > 1 ? `"${part.words.join(' ')}"` : part.words[0]!}${part.prefix ? '*' : ''}`;
}

/** Every word of the query with whether it is a prefix: what a snippet marks. */
export function queryTerms(query: SearchQuery): { word: string; prefix: boolean }[] {
  return query.parts.flatMap((part) => part.words.map((word, i) => ({ word, prefix: part.prefix && i === part.words.length - 1 })));
}

/**
 * FTS5 MATCH: each part a quoted string (a phrase when it has several words), `*` after a
 * prefix; parts side by side are all required. `column` limits every part to one column.
 */
export function fts5Match(query: SearchQuery, column?: string): string {
  const body = query.parts.map((part) => `"${part.words.join(' ')}"${part.prefix ? ' *' : ''}`).join(' ');
  return column === undefined ? body : `${column} : (${body})`;
}

/**
 * PostgreSQL tsquery input: quoted lexemes, `:*` for a prefix, `<->` within a phrase, `&`
 * between parts. Lexemes are letters and digits, so nothing a user types reaches the syntax.
 */
export function tsqueryText(query: SearchQuery): string {
  return query.parts
    .map((part) => {
      const lexemes = part.words.map((word, i) => `'${word}'${part.prefix && i === part.words.length - 1 ? ':*' : ''}`);
      return lexemes.length === 1 ? lexemes[0]! : `(${lexemes.join(' <-> ')})`;
    })
    .join(' & ');
}
