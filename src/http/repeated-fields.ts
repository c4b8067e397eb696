// Node keeps only the first field line of If-Modified-Since and If-Unmodified-Since (and of a
// few other fields) in `IncomingMessage#headers`. RFC 9110 §13.1.3 and §13.1.4: a field with
// more than one member is ignored, so two lines must not be read as the first one alone.
import type { IncomingMessage } from 'node:http';

const DATE_FIELDS = ['if-modified-since', 'if-unmodified-since'] as const;

/**
 * Where a date precondition came on more than one field line, puts all its lines in
 * `request.headers` (as the array the precondition engine reads as a list, and ignores).
 * Requests without these fields, nearly all of them, are only looked at.
 */
export function keepRepeatedDateFields(request: IncomingMessage): void {
  const headers = request.headers;
  if (headers['if-modified-since'] === undefined && headers['if-unmodified-since'] === undefined) return;
  for (const field of DATE_FIELDS) {
    if (headers[field] === undefined) continue;
    const lines = fieldLines(request.rawHeaders, field);
    if (lines.length > 1) (headers as Record<string, string | string[] | undefined>)[field] = lines;
  }
}

function fieldLines(rawHeaders: readonly string[], field: string): string[] {
  const lines: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === field) lines.push(rawHeaders[i + 1]!);
  }
  return lines;
}
