// Which of a revision's wiki links point at pages that exist, kept per (page, revision) so that
// a repeated view needs no existence query: an entry is dropped when the store reports a change
// to any page it links to (a creation or deletion is what matters; any change is cheaper to
// test for). Only as exact as the change feed: a caller uses an entry only when the store's
// validator cache vouches that nothing happened it has not heard of (see RevisionRenderer).
import { LRUCache } from 'lru-cache';
import { isMoveSummary } from '../storage/move-plan.js';
import type { PageStore } from '../storage/store.js';

export interface LinkState {
  /** Pages the revision links to that exist now. */
  readonly existing: ReadonlySet<string>;
  /** Names the link state in a cache key: which linked pages exist. */
  readonly key: string;
}

interface Entry extends LinkState {
  readonly targets: readonly string[];
}

export class LinkStates {
  private readonly entries: LRUCache<string, Entry>;
  /** Revision ids by the page they link to, for the entries present. */
  private readonly linkedFrom = new Map<string, Set<string>>();
  /** Rises with every change heard, so a lookup that overlapped one is not kept. */
  private changes = 0;
  private readonly unsubscribe: () => void;

  constructor(store: PageStore, max = 20_000) {
    this.entries = new LRUCache<string, Entry>({ max, dispose: (entry, id) => this.unlink(id, entry.targets) });
    this.unsubscribe = store.onChange(
      // A move reports its destinations only; the names it left (now redirects) changed too.
      (change) => (isMoveSummary(change.summary) ? this.forgetAll() : this.forget(change.name)),
      () => this.forgetAll(),
    );
  }

  get(id: string): LinkState | undefined {
    return this.entries.get(id);
  }

  /** A mark to pass to set(): the state looked up after it is kept only if no change came between. */
  mark(): number {
    return this.changes;
  }

  set(id: string, targets: readonly string[], state: LinkState, mark: number): void {
    if (mark !== this.changes) return;
    this.entries.set(id, { ...state, targets });
    for (const target of targets) {
      let ids = this.linkedFrom.get(target);
      if (!ids) this.linkedFrom.set(target, (ids = new Set()));
      ids.add(id);
    }
  }

  close(): void {
    this.unsubscribe();
    this.forgetAll();
  }

  private forget(changed: string): void {
    this.changes++;
    const ids = this.linkedFrom.get(changed);
    if (ids) for (const id of [...ids]) this.entries.delete(id);
  }

  private forgetAll(): void {
    this.changes++;
    this.entries.clear();
  }

  private unlink(id: string, targets: readonly string[]): void {
    for (const target of targets) {
      const ids = this.linkedFrom.get(target);
      ids?.delete(id);
      if (ids?.size === 0) this.linkedFrom.delete(target);
    }
  }
}
