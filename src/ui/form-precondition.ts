// A form's `baseEtag` (the revision its author saw) as the domain's precondition: the wiki's
// If-Match. Saves, deletes and moves in the browser all carry it.
import { parseEntityTag } from '../conditional/index.js';
import { HttpProblem } from '../http/errors.js';
import type { WritePrecondition } from '../pages/index.js';

function missingBase(): HttpProblem {
  // As on the API (RFC 6585 §3): a write must say which version it replaces.
  return new HttpProblem('precondition-required', 'This form does not say which version of the page it was opened on (its baseEtag field), so acting on it could undo someone else’s change. Open it again.');
}

/** The revision a delete or move form was opened on: `{ kind: 'replace' }`, never a blind write. */
export function seenRevision(baseEtag: string | undefined): WritePrecondition & { kind: 'replace' } {
  if (baseEtag === undefined || baseEtag === '') throw missingBase();
  const tag = parseEntityTag(baseEtag);
  if (!tag || tag.weak) throw new HttpProblem('bad-request', 'The baseEtag field must be the strong entity-tag of the version the form was opened on.');
  return { kind: 'replace', etag: tag.opaque };
}

/** The editor's baseEtag: empty means create-only (as If-None-Match: *). */
export function formPrecondition(baseEtag: string | undefined): WritePrecondition {
  if (baseEtag === undefined) {
    throw new HttpProblem('precondition-required', 'This form does not say which version of the page it edits (its baseEtag field), so saving it could overwrite someone else’s change. Open the editor again.');
  }
  if (baseEtag === '') return { kind: 'create' };
  const tag = parseEntityTag(baseEtag);
  if (!tag || tag.weak) {
    throw new HttpProblem('bad-request', 'The baseEtag field must be the strong entity-tag of the version being edited, or empty to create the page.');
  }
  return { kind: 'replace', etag: tag.opaque };
}
