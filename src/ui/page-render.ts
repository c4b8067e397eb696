// Renders a revision's Markdown with its wiki links styled by whether their pages exist,
// and names everything the HTML depends on, so a cached page is reused only while valid.
import { LRUCache } from 'lru-cache';
import type { PageStore } from '../storage/store.js';
import { parseMarkdown, renderMarkdown } from './markdown.js';

export interface RevisionLinks {
  /** The revision's text, when it had to be read to find its links. */
  readonly text: string | undefined;
  /** Pages the revision links to that exist now. */
  readonly existing: ReadonlySet<string>;
  /** Names the link state in a cache key: which linked pages exist. */
  readonly key: string;
}

export class RevisionRenderer {
  // A revision never changes, so its link targets are found once.
  private readonly targets = new LRUCache<string, readonly string[]>({ max: 10_000 });

  constructor(private readonly store: PageStore) {}

  async links(name: string, revision: number): Promise<RevisionLinks> {
    const id = `${name}\u0000${revision}`;
    let targets = this.targets.get(id);
    let text: string | undefined;
    if (!targets) {
      text = (await this.store.content(name, revision)) ?? '';
      targets = [...parseMarkdown(text).wikiLinks].sort();
      this.targets.set(id, targets);
    }
    const existing = await this.store.existingPages(targets);
    const key = targets.map((target) => (existing.has(target) ? '1' : '0')).join('');
    return { text, existing, key };
  }

  async html(name: string, revision: number, links: RevisionLinks): Promise<string> {
    const text = links.text ?? (await this.store.content(name, revision)) ?? '';
    return renderMarkdown(parseMarkdown(text), links.existing);
  }
}
