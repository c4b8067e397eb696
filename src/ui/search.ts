// Full-text search over current pages. The wiki only renders results; the store's index
// (SQLite FTS5, PostgreSQL tsvector) finds them.
import type { PageStore, SearchHit } from '../storage/store.js';
import { SNIPPET_MARK_CLOSE, SNIPPET_MARK_OPEN } from '../storage/store.js';

export { SNIPPET_MARK_CLOSE, SNIPPET_MARK_OPEN, type SearchHit };

/** What the search page needs: every PageStore provides it; tests may pass a stand-in. */
export type PageSearch = Pick<PageStore, 'search'>;

/** A store that can also search satisfies PageSearch itself. */
export function asPageSearch(candidate: unknown): PageSearch | undefined {
  const search = (candidate as { search?: unknown } | null)?.search;
  return typeof search === 'function' ? (candidate as PageSearch) : undefined;
}

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
