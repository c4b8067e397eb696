// The HTTP side of a write (src/pages/pages.ts does the write): a request becomes a
// precondition and a writer, and an outcome that is not "saved" becomes its problem.
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { hasWritePrecondition } from '../conditional/index.js';
import type { Author, DeleteOutcome, SaveOutcome } from '../pages/index.js';
import { HttpProblem } from './errors.js';
import { preconditionFailed } from './representation.js';

/** Who writes: the author the store records, and whether protected pages are barred to them. */
export interface Writer {
  readonly author: string;
  /** Protected pages are not this writer's to edit; the store re-checks in the write's transaction. */
  readonly unlessProtected: boolean;
  /** The answer when the store refused the write because the page is protected. */
  protectedRefusal(): HttpProblem;
}

/** The domain's author of a request's write; fair writes take turns by author and address. */
export function authorOf(by: Writer, request: FastifyRequest): Author {
  return { author: by.author, unlessProtected: by.unlessProtected, writer: `${by.author}@${request.ip}` };
}

export function preconditionRequired(): HttpProblem {
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
 * If-Unmodified-Since on a page that does not exist is found out later, by the write.)
 */
export function refuseUnconditionalWrite(headers: IncomingHttpHeaders): void {
  if (!hasWritePrecondition(headers)) throw preconditionRequired();
}

/**
 * The problem for a write that was not applied. `ifMatch` is the request's field, when it
 * had one, so a weakened tag can be explained (representation.ts).
 */
export function writeProblem(outcome: Exclude<SaveOutcome | DeleteOutcome, { kind: 'saved' }>, name: string, by: Writer, ifMatch?: string | string[]): HttpProblem {
  switch (outcome.kind) {
    case 'not-found':
      return new HttpProblem('page-not-found', `There is no page named "${name}" to delete.`);
    case 'protected':
      return by.protectedRefusal();
    case 'lookalike':
      return new HttpProblem(
        'page-name-lookalike',
        `"${name}" differs from the page name "${outcome.existing}" only by case, compatibility form (such as full-width letters) or invisible characters, so readers would take one for the other; edit "${outcome.existing}" instead (if it was deleted, re-create it under that name).`,
        { existing: outcome.existing },
      );
    case 'refused':
      return refusalProblem(outcome, 'page', ifMatch);
  }
}

/** A write refused by its precondition (pages and files alike): 428, 412, or 412 after losing every race. */
export function refusalProblem(
  { refusal, state }: { readonly refusal: Extract<SaveOutcome, { kind: 'refused' }>['refusal']; readonly state: { readonly exists: boolean; readonly etag?: string | null | undefined } },
  what: 'page' | 'file',
  ifMatch?: string | string[],
): HttpProblem {
  const etag = state.exists ? state.etag! : null;
  if (refusal.reason === 'precondition-required') return preconditionRequired();
  if (refusal.reason === 'precondition-failed') return preconditionFailed(refusal.header, refusal.malformed, etag, ifMatch);
  return new HttpProblem('precondition-failed', `The ${what} changed on every attempt to apply this write; read it again and retry.`, { currentEtag: etag }, etag === null ? {} : { etag });
}
