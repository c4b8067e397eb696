import { createHash } from 'node:crypto';
import type { Representation } from './representation.js';

/**
 * A JSON document as a validated representation. Its strong ETag is a hash of its bytes,
 * so it can never name other content, whatever writes race with the read that built it.
 */
export function jsonRepresentation(value: unknown, cacheControl = 'no-cache'): Representation {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 24)}"`;
  return {
    etag,
    contentType: 'application/json; charset=utf-8',
    cacheControl,
    size: body.length,
    load: async () => body,
  };
}

export function isoDate(time: number): string {
  return new Date(time).toISOString();
}
