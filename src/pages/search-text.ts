// The plain text the search index gets for a revision (pages/plain-text.ts), made in the pool for
// any page large enough to hold the event loop; small pages cost less than the hop.
import { searchText } from './plain-text.js';
import { WorkBusyError } from '../work/pool.js';
import type { PageWork } from './page-tasks.js';

/** Below this many characters a page's plain text is made on the event loop (well under 1 ms). */
const ON_LOOP_BELOW = 8 * 1024;

/**
 * The page's plain text, or undefined when the pool is busy or the parse ran out of time: the
 * store then indexes the Markdown itself (every word is still found; snippets show its syntax).
 */
export async function indexedText(work: PageWork, markdown: string): Promise<string | undefined> {
  if (markdown.length < ON_LOOP_BELOW) return searchText(markdown);
  try {
    const outcome = await work.run('plainText', { markdown });
    return outcome.done ? outcome.value : undefined;
  } catch (error) {
    if (error instanceof WorkBusyError) return undefined;
    throw error;
  }
}

/**
 * indexedText, made on first call and kept: a write asks for it only when its preconditions
 * let it through (never for a 412 or 428), and a retried write does not make it again.
 */
export function lazyIndexedText(work: PageWork, markdown: string): () => Promise<string | undefined> {
  let text: Promise<string | undefined> | undefined;
  return () => (text ??= indexedText(work, markdown));
}

/** The write's info with the plain text the index gets, when there is one. */
export function withSearchText<Info extends object>(info: Info, searchText: string | undefined): Info & { searchText?: string } {
  return searchText === undefined ? info : { ...info, searchText };
}
