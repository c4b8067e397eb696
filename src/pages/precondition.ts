// What a write must find true of the page before it applies: typed, not headers. The wiki
// names the version it edits; the API hands over its request's condition fields, which the
// engine (src/conditional) decides by every RFC 9110 §13 rule (lists, weak comparison, dates).
import { evaluatePreconditions, type HeaderValue, parseEntityTagList, type PreconditionHeader } from '../conditional/index.js';
import type { PageState } from '../storage/store.js';
import { equivalentEtags, namesRevision } from './variant-tags.js';

export type WritePrecondition =
  /** The page must not exist (If-None-Match: *). */
  | { readonly kind: 'create' }
  /** The page must be the revision with this strong tag (any of its variants' tags). */
  | { readonly kind: 'replace'; readonly etag: string }
  /** The request's own condition fields, decided by the engine. */
  | { readonly kind: 'request'; readonly method: 'PUT' | 'DELETE' | 'MOVE'; readonly headers: Readonly<Record<string, HeaderValue>> };

/** Why a write was not applied under its precondition. */
export type Refusal =
  | { readonly reason: 'precondition-failed'; readonly header: PreconditionHeader; readonly malformed: boolean }
  /** RFC 6585 §3: nothing in the request names a version (e.g. If-Unmodified-Since on a page that has no date). */
  | { readonly reason: 'precondition-required' }
  /** The page changed on every attempt to apply the write. */
  | { readonly reason: 'contended' };

/** What a precondition is decided on: a page's validators, or a file's (src/files). */
export type Validators = Pick<PageState, 'exists' | 'etag' | 'lastModified' | 'lastModifiedIsWeak'>;

function currentOf(state: Validators) {
  return {
    exists: state.exists,
    ...(state.etag === undefined ? {} : { etag: state.etag, equivalentEtags: equivalentEtags(state.etag) }),
    lastModified: state.lastModified,
    lastModifiedIsWeak: state.lastModifiedIsWeak,
  };
}

/** Undefined when the write may proceed on `state`; else why not. */
export function refusalOf(precondition: WritePrecondition, state: Validators): Refusal | undefined {
  switch (precondition.kind) {
    case 'create':
      return state.exists ? { reason: 'precondition-failed', header: 'If-None-Match', malformed: false } : undefined;
    case 'replace':
      return state.exists && namesRevision(precondition.etag, state.etag!) ? undefined : { reason: 'precondition-failed', header: 'If-Match', malformed: false };
    case 'request': {
      const decision = evaluatePreconditions(precondition, currentOf(state), { requirePrecondition: true });
      if (decision.outcome === 'proceed') return undefined;
      if (decision.outcome === 'precondition-failed') return { reason: 'precondition-failed', header: decision.header, malformed: decision.malformed };
      // A write is never "not modified": the engine answers that for safe methods only.
      return { reason: 'precondition-required' };
    }
  }
}

/** The tags that may name the revision the writer started from: the base of a merge. */
export function baseTagsOf(precondition: WritePrecondition): readonly string[] {
  if (precondition.kind === 'replace') return [precondition.etag];
  if (precondition.kind === 'create') return [];
  // Weak tags never match If-Match (§13.1.1), so they name no base either.
  const list = parseEntityTagList(precondition.headers['if-match']);
  return list?.kind === 'tags' ? list.tags.filter((tag) => !tag.weak).map((tag) => tag.opaque) : [];
}
