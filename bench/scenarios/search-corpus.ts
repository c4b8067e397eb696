// The search scenario's corpus: real Markdown written by other people — the READMEs,
// changelogs and licences in node_modules — repeated under varied names up to the page count
// asked for, and queries of each kind drawn from it.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { indexWords } from '../../src/storage/search-terms.js';

const DOCUMENT = /^(readme|changelog|changes|history|license|licence|contributing|security|upgrading|migrating)([-_.][\w.-]*)?(\.(md|markdown|txt))?$/i;
const MAX_DOCUMENT_BYTES = 512 * 1024;
const MAX_DOCUMENTS = 5000;
const MAX_DIRECTORIES = 200_000;

export interface SourceDocument {
  /** "fastify README.md" */
  readonly title: string;
  readonly text: string;
}

/** Every README, changelog and licence under `root` (symlinks followed once), in path order. */
export function findDocuments(root: string): SourceDocument[] {
  const found: SourceDocument[] = [];
  const seen = new Set<string>();
  const pending = [root];
  let directories = 0;
  while (pending.length > 0 && found.length < MAX_DOCUMENTS && directories++ < MAX_DIRECTORIES) {
    const dir = pending.pop()!;
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    let entries: string[];
    try {
      entries = readdirSync(real).sort();
    } catch {
      continue;
    }
    for (const entry of entries) {
      const path = join(real, entry);
      let stat;
      try {
        stat = statSync(path); // follows links; realpath and `seen` stop cycles
      } catch {
        continue;
      }
      if (stat.isDirectory()) pending.push(path);
      else if (stat.isFile() && DOCUMENT.test(entry) && stat.size > 0 && stat.size <= MAX_DOCUMENT_BYTES) {
        found.push({ title: `${basename(real)} ${entry}`, text: readFileSync(path, 'utf8') });
      }
    }
  }
  found.sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
  // Two versions of one package: the second is "… #2".
  const titles = new Map<string, number>();
  return found.map((doc) => {
    const n = (titles.get(doc.title) ?? 0) + 1;
    titles.set(doc.title, n);
    return n === 1 ? doc : { ...doc, title: `${doc.title} #${n}` };
  });
}

export interface CorpusPage {
  readonly name: string;
  readonly markdown: string;
}

/**
 * `count` pages: the documents in turn, the k-th repetition of one named "… (k)" and starting
 * from a different paragraph, so no two pages are the same text.
 */
export function corpusPages(documents: readonly SourceDocument[], count: number): CorpusPage[] {
  if (documents.length === 0) throw new Error('no README, changelog or licence found under node_modules');
  const pages: CorpusPage[] = [];
  for (let i = 0; i < count; i++) {
    const doc = documents[i % documents.length]!;
    const copy = Math.floor(i / documents.length);
    if (copy === 0) {
      pages.push({ name: doc.title, markdown: doc.text });
      continue;
    }
    const paragraphs = doc.text.split(/\n{2,}/);
    const from = copy % paragraphs.length;
    const text = [...paragraphs.slice(from), ...paragraphs.slice(0, from)].join('\n\n');
    pages.push({ name: `${doc.title} (${copy + 1})`, markdown: text });
  }
  return pages;
}

export type QueryKind = 'common' | 'rare' | 'prefix' | 'phrase';
export const QUERY_KINDS: readonly QueryKind[] = ['common', 'rare', 'prefix', 'phrase'];

/**
 * Queries of each kind. Common: words most documents have (the issue's own examples among
 * them); rare: words of one source document; prefix: the start of frequent words with `*`;
 * phrase: two-word phrases many documents share.
 */
export function corpusQueries(documents: readonly SourceDocument[], perKind: number): Record<QueryKind, string[]> {
  const documentFrequency = new Map<string, number>();
  const pairFrequency = new Map<string, number>();
  for (const doc of documents) {
    const words = indexWords(doc.text);
    for (const word of new Set(words)) documentFrequency.set(word, (documentFrequency.get(word) ?? 0) + 1);
    const pairs = new Set<string>();
    for (let i = 1; i < words.length; i++) pairs.add(`${words[i - 1]} ${words[i]}`);
    for (const pair of pairs) pairFrequency.set(pair, (pairFrequency.get(pair) ?? 0) + 1);
  }
  const byFrequency = [...documentFrequency].filter(([w]) => /^[a-z]{3,}$/.test(w)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const rare = byFrequency.filter(([w, n]) => n === 1 && w.length >= 7);
  // Spread over the alphabet rather than the first few of one letter.
  const pick = <T>(list: readonly T[], n: number) => Array.from({ length: Math.min(n, list.length) }, (_, i) => list[Math.floor((i * list.length) / Math.min(n, list.length))]!);
  const phrases = [...pairFrequency].filter(([p, n]) => n >= 3 && /^[a-z]{3,} [a-z]{3,}$/.test(p)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return {
    common: ['the', 'memory leak', 'zlib', ...byFrequency.slice(0, 40).map(([w]) => w).filter((w) => w !== 'the')].slice(0, perKind),
    rare: pick(rare, perKind).map(([w]) => w),
    prefix: pick(byFrequency.slice(10, 400).filter(([w]) => w.length >= 6), perKind).map(([w]) => `${w.slice(0, 4)}*`),
    phrase: pick(phrases.slice(0, 200), perKind).map(([p]) => `"${p}"`),
  };
}
