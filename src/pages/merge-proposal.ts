// The one merge a refused save proposes, for the API's 412 body and the wiki's collision
// screen alike: the three-way merge of the revision the writer started from (the base), the
// page as it is (theirs) and the writer's text, made in the worker pool within its time.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { findRevisionByEtag, type MergeResult } from '../merge/index.js';
import type { PageStore, RevisionInfo } from '../storage/store.js';
import { WorkBusyError } from '../work/pool.js';
import type { PageWork } from './page-tasks.js';
import { namesRevision } from './variant-tags.js';

/** Browsers send a textarea's line breaks as CRLF; pages are merged, and shown, with LF. */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** Fingerprint of a text, to key its merges and to tell later whether a user edited it. */
export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, 32);
}

export type TaggedRevision = RevisionInfo & { readonly etag: string };

export interface MergeProposal {
  /** The revision the writer started from; undefined when no tag names one (or they were creating the page). */
  readonly base: TaggedRevision | undefined;
  readonly baseText: string;
  /** The revision the text is merged into. */
  readonly current: TaggedRevision;
  readonly currentText: string;
  /** The writer's text, LF line breaks. */
  readonly mine: string;
  /** Undefined when the merge ran out of time or the pool was busy: nothing to propose then. */
  readonly merge: MergeResult | undefined;
}

/** The newest revision one of `tags` names (a content-coded variant's tag names its revision too). */
export async function findBaseRevision(store: PageStore, name: string, tags: readonly string[]): Promise<TaggedRevision | undefined> {
  if (tags.length === 0) return undefined;
  const found = await findRevisionByEtag(store, name, (etag) => tags.some((tag) => namesRevision(tag, etag)));
  return found?.etag ? { ...found, etag: found.etag } : undefined;
}

/** Merge proposals, kept per (base tag, current tag, hash of the text): a repeated stale save does not merge again. */
export class MergeProposals {
  private readonly merges: LRUCache<string, MergeResult>;

  constructor(
    private readonly store: PageStore,
    private readonly work: PageWork,
    cacheBytes: number = 32 * 1024 * 1024,
  ) {
    this.merges = new LRUCache({ maxSize: cacheBytes, sizeCalculation: (m) => m.content.length || 1 });
  }

  /** The merge of `text` into revision `at` (default: the current one); undefined when that is no page text. */
  async propose(name: string, baseTags: readonly string[], text: string, at?: number): Promise<MergeProposal | undefined> {
    const revision = at ?? (await this.store.head(name)).revision;
    const theirs = revision > 0 ? await this.store.revision(name, revision) : undefined;
    return theirs?.etag ? this.proposeInto(name, baseTags, text, { ...theirs, etag: theirs.etag }) : undefined;
  }

  /** The merge of `text` into one existing revision of the page (its "theirs"). */
  async proposeInto(name: string, baseTags: readonly string[], text: string, current: TaggedRevision): Promise<MergeProposal> {
    const mine = normalizeNewlines(text);
    const currentText = normalizeNewlines((await this.store.content(name, current.revision)) ?? '');
    const base = await findBaseRevision(this.store, name, baseTags);
    const baseText = base ? normalizeNewlines((await this.store.content(name, base.revision)) ?? '') : '';
    const merge = await this.merge(`${base?.etag ?? ''}\u0000${current.etag}\u0000${textHash(mine)}`, baseText, currentText, mine);
    return { base, baseText, current, currentText, mine, merge };
  }

  private async merge(key: string, base: string, current: string, mine: string): Promise<MergeResult | undefined> {
    // The page already is the writer's text: nothing to merge.
    if (current === mine) return { clean: true, content: mine, conflicts: [] };
    const cached = this.merges.get(key);
    if (cached) return cached;
    try {
      const outcome = await this.work.run('merge', { base, current, mine });
      if (!outcome.done) return undefined;
      this.merges.set(key, outcome.value);
      return outcome.value;
    } catch (error) {
      // Busy: the refusal stays true without a proposal.
      if (error instanceof WorkBusyError) return undefined;
      throw error;
    }
  }
}
