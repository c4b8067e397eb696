// Saving and deleting a page: decide the precondition against the page's current state, then
// let the store compare-and-swap on exactly the revision that decision saw. If the page moved
// in between, decide again against the new state. The API and the wiki both write through here.
import type { MoveResult, PageState, PageStore, WriteInfo, WriteResult } from '../storage/store.js';
import type { PageWork } from './page-tasks.js';
import { lazyIndexedText, withSearchText } from './search-text.js';
import { pageLinks } from './page-links.js';
import { checkMove } from './page-moves.js';
import { type MergeProposal, MergeProposals } from './merge-proposal.js';
import { baseTagsOf, type Refusal, refusalOf, type WritePrecondition } from './precondition.js';

// Each retry follows a commit by someone else; only "*" and date conditions can pass twice.
const MAX_ATTEMPTS = 16;

/** Who writes, as the store records it. */
export interface Author {
  readonly author: string;
  /** Protected pages are not this writer's to edit; the store re-checks in the write's transaction. */
  readonly unlessProtected: boolean;
  /** Whose turn it is in a batch of writes (fair writes): the author and their address. */
  readonly writer: string;
}

export interface Edit {
  readonly name: string;
  readonly precondition: WritePrecondition;
  readonly summary: string;
  readonly by: Author;
}

export type Written = { readonly kind: 'saved'; readonly before: PageState; readonly after: PageState };
/** The store refused: only admins may edit the page. */
export type Protected = { readonly kind: 'protected' };
/** A creation refused because `existing` looks like the name (src/storage/page-name-key.ts). */
export type LookalikeName = { readonly kind: 'lookalike'; readonly existing: string };
export type Refused = {
  readonly kind: 'refused';
  readonly refusal: Refusal;
  /** The state the refusal was decided on (the latest, for 'contended'). */
  readonly state: PageState;
  /** A failed precondition on a page that exists: the writer's text merged with it. */
  readonly proposal?: MergeProposal;
};

export type NotFound = { readonly kind: 'not-found' };
/** A move refused because a page, or a deleted page's history, is at `existing`: a move never replaces one. */
export type DestinationExists = { readonly kind: 'destination-exists'; readonly existing: string };
/** A move applied: `after` is the page at its new name; `moved` every name that moved, the page first. */
export type Moved = Written & { readonly moved: readonly { readonly from: string; readonly to: string }[] };
export type SaveOutcome = Written | Refused | Protected | LookalikeName;
export type DeleteOutcome = Written | Refused | Protected | NotFound;
export type MoveOutcome = Moved | Refused | Protected | NotFound | LookalikeName | DestinationExists;
type Applied = SaveOutcome | NotFound | Moved | DestinationExists;

export class Pages {
  readonly proposals: MergeProposals;

  constructor(
    readonly store: PageStore,
    readonly work: PageWork,
    options: { readonly mergeCacheBytes?: number } = {},
  ) {
    this.proposals = new MergeProposals(store, work, options.mergeCacheBytes);
  }

  async savePage(edit: Edit & { readonly content: string }): Promise<SaveOutcome> {
    const { name, content, precondition } = edit;
    // Made once, and only when the precondition lets the write through (never for a refusal).
    const indexed = lazyIndexedText(this.work, content);
    let links: readonly string[] | undefined;
    const info = () => ({ ...this.writeInfo(edit), links: (links ??= pageLinks(content)) });
    const outcome = await this.apply(name, precondition, false, async (state) => this.store.put(name, content, state.revision, withSearchText(info(), await indexed())));
    // Only a delete or a move finds a missing page a reason to stop; only a move has a destination.
    if (outcome.kind === 'not-found' || outcome.kind === 'destination-exists') throw new Error('unreachable: a save is refused as a save');
    if (outcome.kind !== 'refused' || outcome.refusal.reason !== 'precondition-failed' || !outcome.state.exists) return outcome;
    const baseTags = baseTagsOf(precondition);
    // An API request naming no version it started from has no base to propose a merge from.
    if (precondition.kind === 'request' && baseTags.length === 0) return outcome;
    const proposal = await this.proposals.propose(name, baseTags, content, outcome.state.revision);
    return proposal ? { ...outcome, proposal } : outcome;
  }

  async deletePage(edit: Edit): Promise<DeleteOutcome> {
    const info = this.writeInfo(edit);
    const outcome = await this.apply(edit.name, edit.precondition, true, (state) => this.store.delete(edit.name, state.revision, info));
    // Look-alike names are refused to creations only.
    if (outcome.kind === 'lookalike' || outcome.kind === 'destination-exists' || 'moved' in outcome) throw new Error('unreachable: a delete is refused as a delete');
    return outcome;
  }

  /**
   * Moves page `name` to `to` (page-moves.ts has the rules): the history, links and, with
   * `withSubpages`, every `name/…` page go along; `name` becomes a redirect. A missing page is
   * not-found before any precondition, as for a delete.
   */
  async movePage(move: Edit & { readonly to: string; readonly withSubpages: boolean }): Promise<MoveOutcome> {
    checkMove(move.name, move.to, move.withSubpages);
    const info = { ...this.writeInfo(move), withSubpages: move.withSubpages };
    const outcome = await this.apply(move.name, move.precondition, true, (state) => this.store.move(move.name, move.to, state.revision, info));
    if (outcome.kind === 'saved' && !('moved' in outcome)) throw new Error('unreachable: a move is reported as a move');
    return outcome;
  }

  private writeInfo({ summary, by }: Edit): WriteInfo {
    return { summary, author: by.author, unlessProtected: by.unlessProtected, writer: by.writer };
  }

  private async apply(name: string, precondition: WritePrecondition, mustExist: boolean, write: (state: PageState) => Promise<WriteResult | MoveResult>): Promise<Applied> {
    for (let attempt = 1; ; attempt++) {
      // The first try may decide on the state the store last saw, without reading: only the
      // compare-and-swap can make it count, as it commits only if that revision is still the
      // latest. A refusal is never based on it: that is decided again on a fresh read.
      const known = attempt === 1 ? this.store.lastKnown?.(name) : undefined;
      let state = known ?? (await this.store.head(name));
      let refusal = refusalOf(precondition, state);
      if (known && (refusal !== undefined || !known.exists)) {
        state = await this.store.head(name);
        refusal = refusalOf(precondition, state);
      }
      // RFC 9110 §13.2.1: a delete (or move) of a missing page would not be 2xx without conditions, so 404 first.
      if (mustExist && !state.exists) return { kind: 'not-found' };
      if (refusal) return { kind: 'refused', refusal, state };
      const result = await write(state);
      if (result.ok) return 'moved' in result ? { kind: 'saved', before: state, after: result.state, moved: result.moved } : { kind: 'saved', before: state, after: result.state };
      if (result.reason === 'protected') return { kind: 'protected' };
      if (result.reason === 'lookalike') return { kind: 'lookalike', existing: result.existing };
      if (result.reason === 'destination-exists') return { kind: 'destination-exists', existing: result.existing };
      if (attempt >= MAX_ATTEMPTS) return { kind: 'refused', refusal: { reason: 'contended' }, state: await this.store.head(name) };
    }
  }
}
