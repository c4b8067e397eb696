// The fold key of a page name: names with one key look alike to a reader (case, compatibility
// forms such as full-width letters, invisible characters), so at most one of them may be made.
// Both stores keep the key in pages.name_key under a UNIQUE index, which decides inside the
// creating write's transaction; the key is computed here, in one place, as neither database's
// lower() folds as JavaScript does (SQLite's is ASCII-only).

/**
 * Zero-width characters (U+200B–U+200D, U+2060, U+FEFF) and bidirectional controls (U+200E,
 * U+200F, U+061C, U+202A–U+202E, U+2066–U+2069): invisible, so a name holding one looks like the
 * name without it. New names may not contain them (src/http/page-name.ts); the key drops them
 * for names stored before that rule.
 */
export const INVISIBLE_NAME_CHARACTERS = /[\u200B-\u200F\u2060\uFEFF\u061C\u202A-\u202E\u2066-\u2069]/gu;

/** NFKC, case-folded (upper then lower: "ß" and "SS" meet), invisible characters removed. */
export function pageNameKey(name: string): string {
  return name.replace(INVISIBLE_NAME_CHARACTERS, '').normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

/**
 * Keys for existing names, met in name order, when a store first gets the column. Where two
 * stored pages already look alike, the first keeps the key and the others get none (null): they
 * go on working as before, and no new look-alike of any of them can be made, as their shared key
 * is taken.
 */
export function keysOfExisting(names: readonly string[], taken: Set<string>): { name: string; key: string | null }[] {
  return names.map((name) => {
    const key = pageNameKey(name);
    if (taken.has(key)) return { name, key: null };
    taken.add(key);
    return { name, key };
  });
}
