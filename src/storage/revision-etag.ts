import { createHash } from 'node:crypto';

/**
 * The strong ETag of a revision: a fingerprint of its bytes, computed once at write time and
 * stored, never per request. Content, not the clock, decides it, so two edits in the same
 * second always differ and every process sharing the store hands out the same tag.
 */
export function revisionEtag(content: string): string {
  const digest = createHash('sha256').update(content, 'utf8').digest('base64url');
  return `"${digest.slice(0, 24)}"`;
}
