// A search box is not a query language: user input becomes plain words, never FTS5 or
// tsquery syntax, so no input can cause a syntax error or an expensive query.

const WORD = /[\p{L}\p{N}]+/gu;
export const MAX_TERMS = 16;
const MAX_TERM_LENGTH = 64;

/** The distinct words of a query (letters and digits), at most MAX_TERMS, lower-cased. */
export function searchTerms(query: string): string[] {
  const words = query.normalize('NFC').toLowerCase().match(WORD) ?? [];
  return [...new Set(words.map((w) => w.slice(0, MAX_TERM_LENGTH)))].slice(0, MAX_TERMS);
}
