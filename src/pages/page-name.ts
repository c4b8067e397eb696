import { INVISIBLE_NAME_CHARACTERS } from '../storage/page-name-key.js';
import { PageRuleError } from './errors.js';

export const MAX_PAGE_NAME_LENGTH = 255;

/**
 * The final path segments that name an action on a wiki page (`/wiki/Team/edit`), not a subpage:
 * no segment of a name after the first may be one of them, so `/wiki/{name}/{action}` is never
 * ambiguous. The router takes its list from here.
 */
export const RESERVED_SEGMENTS: readonly string[] = Object.freeze([
  'edit',
  'history',
  'diff',
  'revisions',
  'protection',
  'move',
  'delete',
  'backlinks',
  'events',
  // The wiki's other per-page routes: the editor's preview and the history feed.
  'preview',
  'history.atom',
]);
const RESERVED = new Set(RESERVED_SEGMENTS);

// Control characters (C0, DEL, C1) and the line/paragraph separators.
const FORBIDDEN = /[\p{Cc}\u2028\u2029]/u;
// Zero-width and bidirectional controls: invisible, so the name would look like another one.
const INVISIBLE = new RegExp(INVISIBLE_NAME_CHARACTERS.source, 'u');

// Printable ASCII without "/" is already NFC and needs no further checks but its ends and length.
const PLAIN_ASCII = /^[\x21-\x2e\x30-\x7e](?:[\x20-\x2e\x30-\x7e]{0,253}[\x21-\x2e\x30-\x7e])?$/;

/**
 * A page name: 1 to 255 Unicode characters after NFC normalisation, no control characters, no
 * zero-width or bidirectional controls. "/" separates a subpage from its parent
 * (`Team/Onboarding`); each segment is non-empty, has no leading or trailing white space and is
 * not "." or ".." (a link to those resolves to another path, RFC 3986 §5.2.4), and no segment
 * after the first is a reserved action word (RESERVED_SEGMENTS). Fastify has already
 * percent-decoded it (the API sends "/" as %2F).
 */
export function parsePageName(decoded: string): string {
  if (decoded === '.' || decoded === '..') throw new PageRuleError('page-name', `A page cannot be named "${decoded}": no link could reach it.`);
  if (PLAIN_ASCII.test(decoded)) return decoded;
  const name = decoded.normalize('NFC');
  const length = [...name].length;
  if (length === 0) throw new PageRuleError('page-name', 'A page name cannot be empty.');
  if (length > MAX_PAGE_NAME_LENGTH) {
    throw new PageRuleError('page-name', `A page name has at most ${MAX_PAGE_NAME_LENGTH} characters; this one has ${length}.`);
  }
  if (FORBIDDEN.test(name)) throw new PageRuleError('page-name', 'A page name cannot contain control characters.');
  if (INVISIBLE.test(name)) throw new PageRuleError('page-name', 'A page name cannot contain zero-width or bidirectional control characters.');
  if (name.includes('\uFFFD')) throw new PageRuleError('page-name', 'The page name is not valid percent-encoded UTF-8.');
  name.split('/').forEach(checkSegment);
  return name;
}

function checkSegment(segment: string, index: number): void {
  if (segment === '') throw new PageRuleError('page-name', 'A page name cannot begin or end with "/" or hold "//": every part between slashes needs a name.');
  if (segment.trim() !== segment) {
    throw new PageRuleError('page-name', index === 0 ? 'A page name cannot begin or end with white space.' : 'No part of a page name between slashes can begin or end with white space.');
  }
  if (segment === '.' || segment === '..') throw new PageRuleError('page-name', `No part of a page name can be "${segment}": no link could reach it.`);
  if (index > 0 && RESERVED.has(segment)) {
    throw new PageRuleError('page-name', `A subpage cannot be named "${segment}": /wiki/…/${segment} is the page's ${segment} action. Reserved: ${RESERVED_SEGMENTS.join(', ')}.`);
  }
}

/** The API's path segment for a name: percent-encoded UTF-8, "/" as %2F (one segment). */
export function encodePageName(name: string): string {
  return encodeURIComponent(name);
}

/** The parent of a subpage (`Team` for `Team/Onboarding`); undefined for a top-level page. */
export function parentName(name: string): string | undefined {
  const slash = name.lastIndexOf('/');
  return slash < 0 ? undefined : name.slice(0, slash);
}
