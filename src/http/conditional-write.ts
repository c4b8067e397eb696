// The write path: decide with the precondition engine against the page's current state,
// then let the store compare-and-swap on exactly the revision that decision saw. If the
// page moved in between, decide again against the new state.
import type { IncomingHttpHeaders } from 'node:http';
import { type Decision, evaluatePreconditions, hasWritePrecondition } from '../conditional/index.js';
import type { PageState, PageStore, WriteResult } from '../storage/store.js';
import { equivalentEtags } from './content-coding.js';
import { HttpProblem } from './errors.js';
import { preconditionFailed } from './representation.js';

// Each retry follows a commit by someone else; only "*" and date conditions can pass twice.
const MAX_ATTEMPTS = 16;

export type WriteOutcome = { before: PageState; after: PageState };

/** Who writes: what the store records, and what guards the write. */
export interface Writer {
  readonly author: string;
  /** Protected pages are not this writer's to edit; the store re-checks in the write's transaction. */
  readonly unlessProtected: boolean;
  /** The answer when the store refused the write because the page is protected. */
  protectedRefusal(): HttpProblem;
}

export interface WriteOptions {
  /** Replaces a 412/428 refusal, e.g. with a merge proposal. */
  readonly onRefused?: (problem: HttpProblem, state: PageState) => Promise<HttpProblem>;
  /** The answer when the store refused the write because the page is protected (WriteInfo.unlessProtected). */
  readonly protectedRefusal?: () => HttpProblem;
}

function protectedPage(name: string): HttpProblem {
  return new HttpProblem('page-protected', `The page "${name}" is protected: only admins may edit it.`);
}

/** A creation refused because `existing` looks like `name` (src/storage/page-name-key.ts). */
function lookalikeName(name: string, existing: string): HttpProblem {
  return new HttpProblem(
    'page-name-lookalike',
    `"${name}" differs from the page name "${existing}" only by case, compatibility form (such as full-width letters) or invisible characters, so readers would take one for the other; edit "${existing}" instead (if it was deleted, re-create it under that name).`,
    { existing },
  );
}

function currentOfState(state: PageState) {
  return {
    exists: state.exists,
    ...(state.etag === undefined ? {} : { etag: state.etag, equivalentEtags: equivalentEtags(state.etag) }),
    lastModified: state.lastModified,
    lastModifiedIsWeak: state.lastModifiedIsWeak,
  };
}

function preconditionRequired(): HttpProblem {
  return new HttpProblem(
    'precondition-required',
    'A write must say which version it replaces: send If-Match with the ETag you started from, ' +
      'If-None-Match: * to create a page that must not exist yet, or If-Unmodified-Since with a valid HTTP-date ' +
      '(on a page that exists: a page that does not has no date to compare).',
    { acceptedHeaders: ['If-Match', 'If-None-Match', 'If-Unmodified-Since'] },
  );
}

/**
 * RFC 6585 §3 decided from the header fields alone, before the body is read, so a client
 * that sent Expect: 100-continue gets its 428 without uploading the body. (An
 * If-Unmodified-Since on a page that does not exist is found out later, by conditionalWrite.)
 */
export function refuseUnconditionalWrite(headers: IncomingHttpHeaders): void {
  if (!hasWritePrecondition(headers)) throw preconditionRequired();
}

function refusal(decision: Exclude<Decision, { outcome: 'proceed' }>, state: PageState, headers: IncomingHttpHeaders): HttpProblem {
  if (decision.outcome === 'precondition-required') return preconditionRequired();
  if (decision.outcome === 'precondition-failed') {
    return preconditionFailed(decision.header, decision.malformed, state.exists ? state.etag! : null, headers['if-match']);
  }
  // A safe method never reaches the write path, so "not-modified" cannot happen here.
  return new HttpProblem('internal-error', 'Unexpected precondition outcome for a write.');
}

/**
 * Runs `write` under the request's preconditions. RFC 6585 §3: a write without a usable
 * precondition is refused with 428. DELETE of a missing page is 404 before any precondition
 * (§13.2.1: its answer without conditions would not be 2xx).
 */
export async function conditionalWrite(
  store: PageStore,
  name: string,
  method: 'PUT' | 'DELETE',
  headers: IncomingHttpHeaders,
  write: (state: PageState) => Promise<WriteResult>,
  { onRefused, protectedRefusal }: WriteOptions = {},
): Promise<WriteOutcome> {
  const decide = (state: PageState) => evaluatePreconditions({ method, headers }, currentOfState(state), { requirePrecondition: true });
  for (let attempt = 1; ; attempt++) {
    // The first try may decide on the state the store last saw, without reading: only the
    // compare-and-swap can make it count, as it commits only if that revision is still the
    // latest. A refusal is never based on it: that is decided again on a fresh read.
    const known = attempt === 1 ? store.lastKnown?.(name) : undefined;
    let state = known ?? (await store.head(name));
    let decision = decide(state);
    if (known && (decision.outcome !== 'proceed' || !known.exists)) {
      state = await store.head(name);
      decision = decide(state);
    }
    if (method === 'DELETE' && !state.exists) {
      throw new HttpProblem('page-not-found', `There is no page named "${name}" to delete.`);
    }
    if (decision.outcome !== 'proceed') {
      const problem = refusal(decision, state, headers);
      throw onRefused ? await onRefused(problem, state) : problem;
    }
    const result = await write(state);
    if (result.ok) return { before: state, after: result.state };
    if (result.reason === 'protected') throw protectedRefusal?.() ?? protectedPage(name);
    if (result.reason === 'lookalike') throw lookalikeName(name, result.existing);
    if (attempt >= MAX_ATTEMPTS) {
      const latest = await store.head(name);
      const etag = latest.exists ? latest.etag! : null;
      throw new HttpProblem(
        'precondition-failed',
        'The page changed on every attempt to apply this write; read it again and retry.',
        { currentEtag: etag },
        etag === null ? {} : { etag },
      );
    }
  }
}
