// The words both stores index and look for, cut the same way for both: letters and digits
// (so the words inside a URL are words), lower-cased, diacritics removed. The stores' own
// tokenizers then only split at spaces, so SQLite and PostgreSQL find the same pages.

const WORD = /[\p{L}\p{N}]+/gu;
const MARK = /\p{M}/gu;
export const MAX_TERMS = 16;
const MAX_TERM_LENGTH = 64;
/** The searchable prefix of a page's text (a tsvector holds at most 1 MB). */
export const SEARCHABLE_CHARACTERS = 262_144;

/** The words of a text in index form: lower case, no diacritics, at most 64 characters each. */
export function indexWords(text: string): string[] {
  const words = text.toLowerCase().normalize('NFKD').replace(MARK, '').match(WORD) ?? [];
  return words.map((w) => (w.length > MAX_TERM_LENGTH ? w.slice(0, MAX_TERM_LENGTH) : w));
}

/** What a store keeps for snippets: the searchable prefix, without U+0000 (PostgreSQL text cannot hold it). */
export function storedSearchText(text: string): string {
  return text.slice(0, SEARCHABLE_CHARACTERS).replaceAll('\u0000', '');
}

/** The words a full-text index gets for one column, separated by single spaces. */
export function indexedColumn(text: string): string {
  return indexWords(text).join(' ');
}

// tsvector limits (PostgreSQL manual, 8.11.1 and "Limitations" in 12.11).
const MAX_POSITION = 16_383;
const MAX_POSITIONS_PER_LEXEME = 256;

/**
 * A tsvector literal of the name (weight A) and the body (weight D, the default), built
 * here rather than by to_tsvector so PostgreSQL indexes exactly the words SQLite does. A
 * gap of one position keeps a phrase from running from the name into the body.
 */
export function tsvectorLiteral(name: string, body: string): string {
  return vectorText([
    [indexWords(name), 'A'],
    [indexWords(body), ''],
  ]);
}

/** A tsvector literal of the name's words alone (the title match). */
export function nameVectorLiteral(name: string): string {
  return vectorText([[indexWords(name), '']]);
}

function vectorText(columns: readonly (readonly [string[], string])[]): string {
  const positions = new Map<string, string[]>();
  let position = 0;
  const add = (words: string[], weight: string) => {
    for (const word of words) {
      position = Math.min(position + 1, MAX_POSITION);
      let list = positions.get(word);
      if (!list) positions.set(word, (list = []));
      if (list.length < MAX_POSITIONS_PER_LEXEME) list.push(`${position}${weight}`);
    }
  };
  for (const [words, weight] of columns) {
    add(words, weight);
    position++;
  }
  // Lexemes are letters and digits only; quoting them is still the rule of the syntax.
  return [...positions].map(([word, list]) => `'${word.replaceAll("'", "''").replaceAll('\\', '\\\\')}':${list.join(',')}`).join(' ');
}
