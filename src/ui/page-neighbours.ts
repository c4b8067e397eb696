// What a page view shows around the page: its ancestors (breadcrumbs, red when missing), its
// direct subpages and the pages linking to it. Kept per page for the views that the store's
// validator cache vouches for (readPage's fast path) and dropped on any change the store reports:
// a creation, deletion or move anywhere can change any page's neighbours, and changes are rare
// next to views. A view the store cannot vouch for looks them up afresh.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Backlink, PageStore } from '../storage/store.js';

/** How many subpages and backlinks a page view lists (the backlinks view lists them all). */
export const SUBPAGES_SHOWN = 50;
export const BACKLINKS_SHOWN = 10;

export interface Neighbours {
  readonly ancestors: readonly { readonly name: string; readonly exists: boolean }[];
  readonly subpages: readonly string[];
  readonly moreSubpages: boolean;
  readonly backlinks: readonly Backlink[];
  readonly moreBacklinks: boolean;
  /** Names all of the above in a cache key. */
  readonly key: string;
}

/** `Team`, `Team/Onboarding` for `Team/Onboarding/Week 1`. */
export function ancestorsOf(name: string): string[] {
  const parts = name.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

export class PageNeighbours {
  private readonly entries = new LRUCache<string, Neighbours>({ max: 5000 });
  /** Rises with every change heard, so a lookup that overlapped one is not kept. */
  private changes = 0;
  private readonly unsubscribe: () => void;

  constructor(private readonly store: PageStore) {
    const forget = () => {
      this.changes++;
      this.entries.clear();
    };
    this.unsubscribe = store.onChange(forget, forget);
  }

  /** As last looked up, with no I/O; undefined when not at hand or something changed since. */
  known(name: string): Neighbours | undefined {
    return this.entries.get(name);
  }

  /** Looked up afresh (and kept). */
  async of(name: string): Promise<Neighbours> {
    const mark = this.changes;
    const ancestorNames = ancestorsOf(name);
    const [existing, children, links] = await Promise.all([
      ancestorNames.length > 0 ? this.store.existingPages(ancestorNames) : new Set<string>(),
      this.store.list({ prefix: `${name}/`, children: true, limit: SUBPAGES_SHOWN + 1 }),
      this.store.backlinks(name, { limit: BACKLINKS_SHOWN + 1 }),
    ]);
    const ancestors = ancestorNames.map((ancestor) => ({ name: ancestor, exists: existing.has(ancestor) }));
    const subpages = children.pages.slice(0, SUBPAGES_SHOWN).map((page) => page.name);
    const backlinks = links.slice(0, BACKLINKS_SHOWN);
    const parts = { ancestors, subpages, moreSubpages: children.more || children.pages.length > SUBPAGES_SHOWN, backlinks, moreBacklinks: links.length > BACKLINKS_SHOWN };
    const neighbours = { ...parts, key: createHash('sha1').update(JSON.stringify(parts)).digest('base64url') };
    if (mark === this.changes) this.entries.set(name, neighbours);
    return neighbours;
  }

  close(): void {
    this.unsubscribe();
    this.entries.clear();
  }
}
