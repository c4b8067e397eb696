import { createHash } from 'node:crypto';

/**
 * The strong ETag of a revision: a fingerprint of its bytes, computed once at write time and
 * stored, never per request. Content, not the clock, decides it: two edits in the same second
 * with different content get different tags, and every process sharing the store hands out
 * the same tag. The same content gets the same tag, so after A→B→A revisions 1 and 3 share
 * one. That is correct HTTP: a strong validator names the representation's bytes, and those
 * are the same (RFC 9110 §8.8.1); `If-Match` with that tag is then rightly satisfied.
 */
export function revisionEtag(content: string): string {
  const digest = createHash('sha256').update(content, 'utf8').digest('base64url');
  return `"${digest.slice(0, 24)}"`;
}
