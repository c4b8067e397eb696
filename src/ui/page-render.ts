// Renders a revision's Markdown with its wiki links styled by whether their pages exist,
// and names everything the HTML depends on, so a cached page is reused only while valid.
// The Markdown is rendered once per revision, in a worker thread, whoever views it; only the
// links' start tags are filled in per view, from one lookup of which linked pages exist, kept
// while no linked page changes.
import { LRUCache } from 'lru-cache';
import type { PageStore } from '../storage/store.js';
import type { WikiWork } from './wiki-tasks.js';
import { escapeHtml } from './html.js';
import { LinkStates } from './link-states.js';
import { joinParts, type RenderedParts } from './markdown.js';

/** A text rendered, or shown as its source because rendering ran out of time. */
export type Rendering = { readonly kind: 'parts'; readonly rendered: RenderedParts } | { readonly kind: 'source'; readonly text: string };

export interface RevisionLinks {
  readonly rendering: Rendering;
  /** Pages the revision links to that exist now. */
  readonly existing: ReadonlySet<string>;
  /** Names the link state in a cache key: which linked pages exist. */
  readonly key: string;
}


export const OUT_OF_TIME_NOTE = 'This page took too long to format, so it is shown as its source text.';

/** How long a revision that ran out of time is shown as source before it is tried again. */
export const OUT_OF_TIME_TTL_MS = 10 * 60_000;

function partsSize(parts: RenderedParts): number {
  return parts.parts.reduce((n, part) => n + part.length, 0) + parts.links.reduce((n, link) => n + link.length, 0) || 1;
}

export class RevisionRenderer {
  // A revision never changes, so it is rendered once, for every viewer.
  private readonly rendered: LRUCache<string, RenderedParts>;
  // Renders that ran out of time: repeated views must not burn a worker each time.
  private readonly outOfTime = new LRUCache<string, true>({ max: 10_000, ttl: OUT_OF_TIME_TTL_MS });
  private readonly linkStates: LinkStates;

  /** `maxBytes`: the rendered revisions kept at most (their HTML's length). */
  constructor(
    private readonly store: PageStore,
    private readonly work: WikiWork,
    maxBytes = 64 * 1024 * 1024,
  ) {
    this.rendered = new LRUCache<string, RenderedParts>({ maxSize: maxBytes, sizeCalculation: partsSize });
    this.linkStates = new LinkStates(store);
  }

  /**
   * The link-state key of the revision as last looked up (see RevisionLinks), with no I/O;
   * undefined when not at hand. Exact only while the store has heard of every change (its
   * currentHead() knew the page): otherwise a page may have been created or deleted by another
   * process, so call links(), which looks again.
   */
  knownLinkKey(name: string, revision: number): string | undefined {
    return this.linkStates.get(`${name}\u0000${revision}`)?.key;
  }

  /** The revision rendered, and which of its links exist now (looked up afresh). */
  async links(name: string, revision: number): Promise<RevisionLinks> {
    const id = `${name}\u0000${revision}`;
    let rendered = this.rendered.get(id);
    if (!rendered) {
      const text = (await this.store.content(name, revision)) ?? '';
      if (this.outOfTime.has(id)) return sourceOnly(text);
      const rendering = await this.render(text);
      if (rendering.kind === 'source') {
        this.outOfTime.set(id, true);
        return sourceOnly(text);
      }
      rendered = rendering.rendered;
      this.rendered.set(id, rendered);
    }
    const mark = this.linkStates.mark();
    const links = await this.withExisting({ kind: 'parts', rendered });
    this.linkStates.set(id, rendered.links, links, mark);
    return links;
  }

  /** A text that is not a revision (an editor's preview): rendered each time, not kept. */
  async preview(text: string): Promise<RevisionLinks> {
    const rendering = await this.render(text);
    return rendering.kind === 'source' ? sourceOnly(text) : this.withExisting(rendering);
  }

  html(links: RevisionLinks): string {
    const { rendering } = links;
    if (rendering.kind === 'parts') return joinParts(rendering.rendered, links.existing);
    return `<p class="notice render-out-of-time">${OUT_OF_TIME_NOTE}</p>\n<pre class="page-source">\n${escapeHtml(rendering.text)}</pre>\n`;
  }

  close(): void {
    this.linkStates.close();
  }

  private async render(text: string): Promise<Rendering> {
    const outcome = await this.work.run('render', { source: text });
    return outcome.done ? { kind: 'parts', rendered: outcome.value } : { kind: 'source', text };
  }

  private async withExisting(rendering: Rendering & { kind: 'parts' }): Promise<RevisionLinks> {
    const targets = [...new Set(rendering.rendered.links)].sort();
    const existing = await this.store.existingPages(targets);
    // A link to a name a page moved away from leads to that page (a redirect): not red.
    const missing = targets.filter((target) => !existing.has(target));
    for (const target of await this.store.redirected(missing)) existing.add(target);
    const key = targets.map((target) => (existing.has(target) ? '1' : '0')).join('');
    return { rendering, existing, key };
  }
}

function sourceOnly(text: string): RevisionLinks {
  return { rendering: { kind: 'source', text }, existing: new Set(), key: 'source' };
}
