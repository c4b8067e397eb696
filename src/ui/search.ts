// Full-text search over current pages. The wiki only renders results; the store's index
// (SQLite FTS5, PostgreSQL tsvector) finds them, and SearchResults keeps them until the
// store changes.
import { LRUCache } from 'lru-cache';
import { parseSearchQuery } from '../storage/search-query.js';
import type { PageStore, SearchHit } from '../storage/store.js';
import { SNIPPET_MARK_CLOSE, SNIPPET_MARK_OPEN } from '../storage/store.js';

export { SNIPPET_MARK_CLOSE, SNIPPET_MARK_OPEN, type SearchHit };

/** What the search page needs: every PageStore provides it; tests may pass a stand-in. */
export type PageSearch = Pick<PageStore, 'search'>;

export interface SnippetPart {
  readonly text: string;
  readonly marked: boolean;
}

/** Splits a snippet into plain and marked runs; stray marks are dropped. */
export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let marked = false;
  let text = '';
  for (const ch of snippet) {
    if (ch === SNIPPET_MARK_OPEN || ch === SNIPPET_MARK_CLOSE) {
      if (text) parts.push({ text, marked });
      text = '';
      marked = ch === SNIPPET_MARK_OPEN;
    } else {
      text += ch;
    }
  }
  if (text) parts.push({ text, marked });
  return parts;
}

export const SEARCH_PAGE_SIZE = 50;
/** Result pages offered: past them a query is too vague to page through. */
export const MAX_SEARCH_PAGES = 20;
const CACHED_RESULT_PAGES = 256;

/** One page of results; `page` counts from 1. */
export interface SearchResultPage {
  readonly page: number;
  readonly hits: readonly SearchHit[];
  /** Another page follows. */
  readonly more: boolean;
}

/**
 * Result pages of one server, kept per normalised query and page until the store changes:
 * the key holds a generation that every change heard bumps, and the store's latest change
 * sequence, so a reader sees their own write even before its event arrives. Bounded (LRU);
 * identical searches running at once share one query.
 */
export class SearchResults {
  private readonly cache = new LRUCache<string, Promise<SearchResultPage>>({ max: CACHED_RESULT_PAGES });
  private generation = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly search: PageSearch,
    private readonly changes: Pick<PageStore, 'onChange' | 'recentChanges'>,
  ) {
    const bump = () => {
      this.generation++;
    };
    this.unsubscribe = changes.onChange(bump, bump);
  }

  /** The hits of result page `page` (1…MAX_SEARCH_PAGES); none for a query without words. */
  async find(query: string, page: number): Promise<SearchResultPage> {
    const { key } = parseSearchQuery(query);
    if (key === '') return { page, hits: [], more: false };
    const latest = (await this.changes.recentChanges(1))[0]?.sequence ?? 0;
    const cacheKey = `${this.generation}\0${latest}\0${page}\0${key}`;
    let found = this.cache.get(cacheKey);
    if (!found) {
      // One hit more than shown says whether another page follows.
      found = this.search.search(query, SEARCH_PAGE_SIZE + 1, (page - 1) * SEARCH_PAGE_SIZE).then((hits) => ({
        page,
        hits: hits.slice(0, SEARCH_PAGE_SIZE),
        more: hits.length > SEARCH_PAGE_SIZE && page < MAX_SEARCH_PAGES,
      }));
      this.cache.set(cacheKey, found);
      found.catch(() => this.cache.delete(cacheKey));
    }
    return found;
  }

  close(): void {
    this.unsubscribe();
    this.cache.clear();
  }
}
