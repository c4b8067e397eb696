// Which header fields an answer that sends no representation keeps: one policy for every
// responder (the API's problems, the wiki's error pages), so a 304 or a 412 from one cannot
// differ from the other's.
import type { FastifyReply } from 'fastify';

/**
 * RFC 9110 §15.4.5: a 304 carries those of these fields the 200 would have sent, and no other
 * representation metadata (a cache updates its stored response with them, RFC 9111 §4.3.4).
 * midair's 200s send ETag, Cache-Control and Vary of these (Date comes from Node).
 */
export const NOT_MODIFIED_FIELDS = ['cache-control', 'content-location', 'date', 'etag', 'expires', 'vary'] as const;

/**
 * A 412 (§15.5.13) sends no representation, and the RFC leaves its fields to the server. It
 * carries the current revision's ETag (the identity tag, as the body's `currentEtag`), so a
 * client can retry with If-Match without reading the page again, and Vary when the 200 would
 * have sent it (a GET: the answer was chosen by Accept-Encoding as well). Cache-Control is
 * the problem's own (no-store).
 */
export const PRECONDITION_FAILED_FIELDS = ['etag', 'vary'] as const;

/** Representation metadata a responder may have set before it knew it would send none. */
const REPRESENTATION_FIELDS = ['etag', 'last-modified', 'content-encoding', 'content-range', 'accept-ranges', 'vary', 'content-location', 'expires'] as const;

function keptFor(status: number): readonly string[] {
  if (status === 304) return NOT_MODIFIED_FIELDS;
  if (status === 412) return PRECONDITION_FAILED_FIELDS;
  return [];
}

/**
 * Drops the representation fields an answer with `status` does not carry; the answer's own
 * fields (a 412's ETag of the current revision, Content-Range on 416, Allow on 405) come after.
 */
export function dropRepresentationFields(reply: FastifyReply, status: number): void {
  const kept = keptFor(status);
  for (const name of REPRESENTATION_FIELDS) if (!kept.includes(name)) reply.removeHeader(name);
}
