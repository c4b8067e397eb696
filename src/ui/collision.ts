// What the wiki shows when a save from the browser collides with someone else's change:
// the three-way merge of the version the user started from, the current page and their text.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { findRevisionByEtag, type MergeResult, wholeConflict } from '../merge/index.js';
import type { PageStore, RevisionInfo } from '../storage/store.js';
import type { WorkPool } from '../work/pool.js';
import type { CollisionMerge } from '../work/tasks.js';

/** Browsers send a textarea's line breaks as CRLF; pages are stored with LF. */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** Fingerprint of a conflicted merge's text, to tell later whether the user edited it by hand. */
export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, 32);
}

export interface Attempt {
  readonly name: string;
  /** The user's text. */
  readonly mine: string;
  readonly summary: string;
  /** The ETag the user's text started from; '' for a page they meant to create. */
  readonly baseEtag: string;
  /** The ETag that keys the browser's draft of this text, if any. */
  readonly draftBase: string;
}

export type Collision =
  /** The page was deleted meanwhile (or never existed): the user's text is offered for re-creation. */
  | { readonly kind: 'deleted'; readonly attempt: Attempt; readonly deletion: RevisionInfo | undefined }
  /** The page already is the user's text. */
  | { readonly kind: 'same'; readonly attempt: Attempt; readonly current: RevisionInfo }
  | {
      readonly kind: 'merged' | 'conflict';
      readonly attempt: Attempt;
      /** The revision the user's text is merged into (the current one, when the collision was found). */
      readonly current: RevisionInfo & { readonly etag: string };
      readonly currentText: string;
      /** The revision the user started from; undefined when it is unknown or they were creating the page. */
      readonly base: RevisionInfo | undefined;
      readonly baseText: string;
      /** The changes made since the base, newest first. */
      readonly changes: readonly RevisionInfo[];
      readonly merge: MergeResult;
      /** HTML diff tables of a clean merge; absent when they could not be had in time. */
      readonly tables?: CollisionMerge['tables'];
    };

/**
 * The three-way merges of collisions, computed in the worker pool and kept per (base tag,
 * current tag, hash of the posted text): a repeated stale post does not merge again.
 */
export class CollisionMerges {
  private readonly merges = new LRUCache<string, CollisionMerge>({
    maxSize: 32 * 1024 * 1024,
    sizeCalculation: (m) => m.merge.content.length + (m.tables ? m.tables.save.length + m.tables.theirs.length : 0) || 1,
  });

  constructor(private readonly work: WorkPool) {}

  /** Texts merge LF to LF, as the browser shows them, so a merged text round-trips a form unchanged. */
  async merge(key: string, base: string, current: string, mine: string): Promise<CollisionMerge> {
    const cached = this.merges.get(key);
    if (cached) return cached;
    const texts = { base: normalizeNewlines(base), current: normalizeNewlines(current), mine: normalizeNewlines(mine) };
    const outcome = await this.work.run('collision', texts);
    // Out of time: both edits whole, as one conflict; the user still chooses, nothing is lost.
    const merged = outcome.done ? outcome.value : { merge: wholeConflict(texts.base, texts.current, texts.mine) };
    if (outcome.done) this.merges.set(key, merged);
    return merged;
  }
}

export async function revisionWithEtag(store: PageStore, name: string, etag: string): Promise<RevisionInfo | undefined> {
  if (etag === '') return undefined;
  return findRevisionByEtag(store, name, (candidate) => candidate === etag);
}

/** What the collision of `attempt` with the page's current state looks like. */
export async function describeCollision(store: PageStore, merges: CollisionMerges, attempt: Attempt): Promise<Collision> {
  const current = await store.head(attempt.name);
  const latest = current.revision > 0 ? await store.revision(attempt.name, current.revision) : undefined;
  if (!current.exists || !latest || latest.etag === null) return { kind: 'deleted', attempt, deletion: latest };
  return mergeInto(store, merges, attempt, { ...latest, etag: latest.etag });
}

/** The merge of `attempt` into one existing revision of the page (its "theirs"). */
export async function mergeInto(store: PageStore, merges: CollisionMerges, attempt: Attempt, theirs: RevisionInfo & { etag: string }): Promise<Collision> {
  const { name } = attempt;
  const currentText = normalizeNewlines((await store.content(name, theirs.revision)) ?? '');
  if (currentText === attempt.mine) return { kind: 'same', attempt, current: theirs };
  const base = await revisionWithEtag(store, name, attempt.baseEtag);
  const baseText = base ? ((await store.content(name, base.revision)) ?? '') : '';
  const history = await store.history(name, { limit: 20, before: theirs.revision + 1 });
  const changes = history.filter((r) => r.revision > (base?.revision ?? 0));
  const key = `${base?.etag ?? ''}\u0000${theirs.etag}\u0000${textHash(attempt.mine)}`;
  const { merge, tables } = await merges.merge(key, baseText, currentText, attempt.mine);
  return { kind: merge.clean ? 'merged' : 'conflict', attempt, current: theirs, currentText, base, baseText, changes, merge, ...(tables ? { tables } : {}) };
}
