import { INVISIBLE_NAME_CHARACTERS } from '../storage/page-name-key.js';
import { PageRuleError } from './errors.js';

export const MAX_PAGE_NAME_LENGTH = 255;

// Control characters (C0, DEL, C1) and the line/paragraph separators.
const FORBIDDEN = /[\p{Cc}\u2028\u2029]/u;
// Zero-width and bidirectional controls: invisible, so the name would look like another one.
const INVISIBLE = new RegExp(INVISIBLE_NAME_CHARACTERS.source, 'u');

/**
 * A page name: 1 to 255 Unicode characters after NFC normalisation, no "/", no control
 * characters, no zero-width or bidirectional controls, no leading or trailing white space, and
 * not "." or ".." (a link to those resolves to another path, RFC 3986 §5.2.4). Fastify has
 * already percent-decoded it.
 */
// Printable ASCII without "/" is already NFC and needs no further checks but its ends and length.
const PLAIN_ASCII = /^[\x21-\x2e\x30-\x7e](?:[\x20-\x2e\x30-\x7e]{0,253}[\x21-\x2e\x30-\x7e])?$/;

export function parsePageName(decoded: string): string {
  if (decoded === '.' || decoded === '..') throw new PageRuleError('page-name', `A page cannot be named "${decoded}": no link could reach it.`);
  if (PLAIN_ASCII.test(decoded)) return decoded;
  const name = decoded.normalize('NFC');
  const length = [...name].length;
  if (length === 0) throw new PageRuleError('page-name', 'A page name cannot be empty.');
  if (length > MAX_PAGE_NAME_LENGTH) {
    throw new PageRuleError('page-name', `A page name has at most ${MAX_PAGE_NAME_LENGTH} characters; this one has ${length}.`);
  }
  if (name.includes('/')) throw new PageRuleError('page-name', 'A page name cannot contain "/".');
  if (FORBIDDEN.test(name)) throw new PageRuleError('page-name', 'A page name cannot contain control characters.');
  if (INVISIBLE.test(name)) throw new PageRuleError('page-name', 'A page name cannot contain zero-width or bidirectional control characters.');
  if (name.trim() !== name) throw new PageRuleError('page-name', 'A page name cannot begin or end with white space.');
  if (name.includes('\uFFFD')) throw new PageRuleError('page-name', 'The page name is not valid percent-encoded UTF-8.');
  return name;
}

/** The path segment for a name: percent-encoded UTF-8. */
export function encodePageName(name: string): string {
  return encodeURIComponent(name);
}
