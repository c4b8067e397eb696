// The search scenario's corpus: real Markdown written by other people — the READMEs,
// changelogs and licences in node_modules — repeated under varied names up to the page count
// asked for, and queries of each kind drawn from it.
import { indexWords } from '../../src/storage/search-terms.js';
import type { SourceDocument } from '../markdown-documents.js';

export { findDocuments, type SourceDocument } from '../markdown-documents.js';

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
