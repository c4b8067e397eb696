// What the wiki shows when a save from the browser collides with someone else's change: the
// merge proposal of src/pages (the one the API's 412 carries too), with the revisions made
// since the base and, for a clean merge, diff tables.
import { LRUCache } from 'lru-cache';
import { type MergeResult, wholeConflict } from '../merge/index.js';
import type { MergeProposal, Pages, TaggedRevision } from '../pages/index.js';
import { textHash } from '../pages/index.js';
import type { RevisionInfo } from '../storage/store.js';
import type { MergeTables, WikiWork } from './wiki-tasks.js';

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
      readonly current: TaggedRevision;
      readonly currentText: string;
      /** The revision the user started from; undefined when it is unknown or they were creating the page. */
      readonly base: RevisionInfo | undefined;
      readonly baseText: string;
      /** The changes made since the base, newest first. */
      readonly changes: readonly RevisionInfo[];
      readonly merge: MergeResult;
      /** HTML diff tables of a clean merge; absent when they could not be had in time. */
      readonly tables?: MergeTables;
    };

/** The diff tables of clean merges, made in the worker pool and kept per merge. */
export class CollisionTables {
  private readonly tables: LRUCache<string, MergeTables>;

  constructor(
    private readonly work: WikiWork,
    cacheBytes: number = 16 * 1024 * 1024,
  ) {
    this.tables = new LRUCache({ maxSize: cacheBytes, sizeCalculation: (t) => t.save.length + t.theirs.length || 1 });
  }

  async of(proposal: MergeProposal, merged: string): Promise<MergeTables | undefined> {
    const key = `${proposal.base?.etag ?? ''}\u0000${proposal.current.etag}\u0000${textHash(proposal.mine)}`;
    const cached = this.tables.get(key);
    if (cached) return cached;
    const outcome = await this.work.run('mergeTables', { base: proposal.baseText, current: proposal.currentText, merged });
    if (outcome.done) this.tables.set(key, outcome.value);
    return outcome.done ? outcome.value : undefined;
  }
}

/** What the wiki needs to show collisions: the domain, and its own tables. */
export interface CollisionScreen {
  readonly pages: Pages;
  readonly tables: CollisionTables;
}

function baseTags(attempt: Attempt): readonly string[] {
  return attempt.baseEtag === '' ? [] : [attempt.baseEtag];
}

/** The collision a proposal makes of `attempt`. */
export async function collisionOf({ pages, tables }: CollisionScreen, attempt: Attempt, proposal: MergeProposal): Promise<Collision> {
  const { current, currentText, base, baseText } = proposal;
  if (currentText === attempt.mine) return { kind: 'same', attempt, current };
  // Out of time (or busy): both edits whole, as one conflict; the user still chooses, nothing is lost.
  const merge = proposal.merge ?? wholeConflict(baseText, currentText, attempt.mine);
  const history = await pages.store.history(attempt.name, { limit: 20, before: current.revision + 1 });
  const changes = history.filter((r) => r.revision > (base?.revision ?? 0));
  const table = merge.clean ? await tables.of(proposal, merge.content) : undefined;
  return { kind: merge.clean ? 'merged' : 'conflict', attempt, current, currentText, base, baseText, changes, merge, ...(table ? { tables: table } : {}) };
}

/** The collision of `attempt` with the page as it is, or with `at` (the revision a refusal was decided on). */
export async function describeCollision(screen: CollisionScreen, attempt: Attempt, proposal?: MergeProposal): Promise<Collision> {
  const found = proposal ?? (await screen.pages.proposals.propose(attempt.name, baseTags(attempt), attempt.mine));
  if (found) return collisionOf(screen, attempt, found);
  const { store } = screen.pages;
  const state = await store.head(attempt.name);
  const deletion = state.revision > 0 ? await store.revision(attempt.name, state.revision) : undefined;
  return { kind: 'deleted', attempt, deletion };
}

/** The merge of `attempt` into one existing revision of the page (its "theirs"). */
export async function mergeInto(screen: CollisionScreen, attempt: Attempt, theirs: TaggedRevision): Promise<Collision> {
  return collisionOf(screen, attempt, await screen.pages.proposals.proposeInto(attempt.name, baseTags(attempt), attempt.mine, theirs));
}
