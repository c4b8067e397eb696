// Entity-tags and the lists that carry them (RFC 9110 §8.8.3, §5.6.1).

export interface EntityTag {
  readonly weak: boolean;
  /** The opaque-tag with its double quotes, e.g. `"abc"`. */
  readonly opaque: string;
}

/** The parsed value of If-Match / If-None-Match. */
export type EntityTagList =
  | { readonly kind: 'any' } // "*"
  | { readonly kind: 'tags'; readonly tags: readonly EntityTag[] }
  | { readonly kind: 'malformed' };

export type HeaderValue = string | readonly string[] | undefined;

// etagc = %x21 / %x23-7E / obs-text (§8.8.3); obs-text arrives as latin1 code points.
function isEtagChar(code: number): boolean {
  return code === 0x21 || (code >= 0x23 && code <= 0x7e) || (code >= 0x80 && code <= 0xff);
}

function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

// OWS is only SP and HTAB (§5.6.3); String.prototype.trim would also strip NBSP (an obs-text octet), CR, LF.
function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) start++;
  while (end > start && isOws(value.charCodeAt(end - 1))) end--;
  return value.slice(start, end);
}

/**
 * Reads one entity-tag at `start`; returns it and the index after it, or undefined.
 * Weakness is the case-sensitive prefix `W/` (§8.8.3: weak = %s"W/").
 */
function scanEntityTag(value: string, start: number): { tag: EntityTag; end: number } | undefined {
  let i = start;
  let weak = false;
  if (value.charCodeAt(i) === 0x57 /* W */ && value.charCodeAt(i + 1) === 0x2f /* / */) {
    weak = true;
    i += 2;
  }
  if (value.charCodeAt(i) !== 0x22) return undefined;
  const open = i;
  i++;
  while (i < value.length && value.charCodeAt(i) !== 0x22) {
    if (!isEtagChar(value.charCodeAt(i))) return undefined;
    i++;
  }
  if (i >= value.length) return undefined; // no closing quote
  return { tag: { weak, opaque: value.slice(open, i + 1) }, end: i + 1 };
}

/** Parses a single entity-tag such as `"abc"` or `W/"abc"`, as in an ETag or If-Range field. */
export function parseEntityTag(value: string): EntityTag | undefined {
  const trimmed = trimOws(value);
  const scanned = scanEntityTag(trimmed, 0);
  return scanned && scanned.end === trimmed.length ? scanned.tag : undefined;
}

/**
 * Parses `"*" / #entity-tag`. Several field lines form one list (§5.3), and a
 * recipient ignores empty list members (§5.6.1.2). Commas may appear inside a
 * quoted tag, so the list is scanned, never split.
 */
export function parseEntityTagList(header: HeaderValue): EntityTagList | undefined {
  if (header === undefined) return undefined;
  const value = typeof header === 'string' ? header : header.join(',');
  const trimmed = trimOws(value);
  if (trimmed === '*') return { kind: 'any' };
  const tags: EntityTag[] = [];
  let i = 0;
  for (;;) {
    while (i < value.length && (isOws(value.charCodeAt(i)) || value.charCodeAt(i) === 0x2c)) i++;
    if (i >= value.length) break;
    const scanned = scanEntityTag(value, i);
    if (!scanned) return { kind: 'malformed' };
    tags.push(scanned.tag);
    i = scanned.end;
    while (i < value.length && isOws(value.charCodeAt(i))) i++;
    if (i < value.length && value.charCodeAt(i) !== 0x2c) return { kind: 'malformed' };
  }
  return { kind: 'tags', tags };
}

// §8.8.3.2: strong comparison — both strong and the opaque-tags identical.
export function strongMatch(a: EntityTag, b: EntityTag): boolean {
  return !a.weak && !b.weak && a.opaque === b.opaque;
}

// §8.8.3.2: weak comparison — the opaque-tags identical, weakness ignored.
export function weakMatch(a: EntityTag, b: EntityTag): boolean {
  return a.opaque === b.opaque;
}
