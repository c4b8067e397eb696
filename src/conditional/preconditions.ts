// Evaluation of conditional requests, in the order of RFC 9110 §13.2.2.
import { type EntityTag, type EntityTagList, type HeaderValue, parseEntityTag, parseEntityTagList, strongMatch, weakMatch } from './entity-tag.js';
import { parseHttpDate, toHttpSeconds } from './http-date.js';

/** What the server knows of the selected representation before acting. */
export interface CurrentRepresentation {
  /** §13.1.1: existence is an input — `If-Match: *` is false and `If-None-Match: *` true without it. */
  readonly exists: boolean;
  /** The strong entity-tag of the representation this response would carry, e.g. `"abc"`. */
  readonly etag?: string;
  /**
   * Other tags handed out for the same revision (its content-coded variants, §8.8.3.3).
   * If-Match accepts them, and so does If-None-Match on an unsafe method; a read's
   * If-None-Match and If-Range do not: a 304 names the representation the request selects.
   */
  readonly equivalentEtags?: readonly string[];
  /** Last-Modified, in ms since the epoch. */
  readonly lastModified?: number | undefined;
  /**
   * True when another revision shares the Last-Modified second, so the date cannot tell
   * them apart (§8.8.2.2 calls such a date weak): date conditions then fail safe.
   */
  readonly lastModifiedIsWeak?: boolean;
}

export interface ConditionalRequest {
  readonly method: string;
  /** Request header fields by lower-case name, as Node's IncomingMessage gives them. */
  readonly headers: Readonly<Record<string, HeaderValue>>;
}

export interface EvaluateOptions {
  /** RFC 6585 §3: answer 428 when an unsafe request carries no usable precondition. */
  readonly requirePrecondition?: boolean;
  /** The server's clock, for If-Modified-Since dates in the future. */
  readonly now?: number;
}

export type PreconditionHeader = 'If-Match' | 'If-None-Match' | 'If-Unmodified-Since';

export type Decision =
  /** Perform the method. `ignoreRange`: If-Range failed, so answer the full representation (§13.2.2 step 5). */
  | { readonly outcome: 'proceed'; readonly ignoreRange: boolean }
  | { readonly outcome: 'not-modified' }
  | { readonly outcome: 'precondition-failed'; readonly header: PreconditionHeader; readonly malformed: boolean }
  | { readonly outcome: 'precondition-required' };

/** Each header check is three-valued, so an absent or ignored field is never confused with a false one. */
type Condition = 'none' | 'true' | 'false';

const NOT_MODIFIED: Decision = Object.freeze({ outcome: 'not-modified' });
const PROCEED: Decision = Object.freeze({ outcome: 'proceed', ignoreRange: false });

/** §13.2.2 has nothing to evaluate: no conditional field at all, or If-Range without Range. */
function isUnconditional(headers: ConditionalRequest['headers']): boolean {
  return (
    headers['if-match'] === undefined &&
    headers['if-none-match'] === undefined &&
    headers['if-modified-since'] === undefined &&
    headers['if-unmodified-since'] === undefined &&
    (headers['if-range'] === undefined || headers['range'] === undefined)
  );
}

// §8.8.3: entity-tag = [ W/ ] DQUOTE *etagc DQUOTE, etagc = %x21 / %x23-7E / obs-text.
const ENTITY_TAG = /^(?:W\/)?"[\x21\x23-\x7e\x80-\xff]*"$/;

/**
 * The commonest conditional request by far: a cache revalidating a read with exactly the tag
 * it was given. Without If-Match and If-Unmodified-Since, §13.2.2 steps 1–2 have nothing to
 * check, and a field that is a copy of the current tag is a weak match (§8.8.3.2), so step 3
 * answers 304 — decided here without parsing a list or building the current tags.
 */
function isExactRevalidation(method: string, headers: ConditionalRequest['headers'], current: CurrentRepresentation): boolean {
  const etag = current.etag;
  return (
    etag !== undefined &&
    headers['if-none-match'] === etag &&
    current.exists &&
    isSafeRead(method) &&
    headers['if-match'] === undefined &&
    headers['if-unmodified-since'] === undefined &&
    ENTITY_TAG.test(etag)
  );
}

function isSafeRead(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** The current revision's tags: the selected representation's, and with `equivalents` every variant's. */
function currentTags(current: CurrentRepresentation, equivalents: boolean): EntityTag[] {
  if (!current.exists || current.etag === undefined) return [];
  const tags = equivalents ? [current.etag, ...(current.equivalentEtags ?? [])] : [current.etag];
  return tags.map((t) => parseEntityTag(t)).filter((t): t is EntityTag => t !== undefined);
}

/** §13.1.4: a date condition needs a modification date to compare with; without one it is ignored. */
function hasModificationDate(current: CurrentRepresentation): boolean {
  return current.exists && current.lastModified !== undefined;
}

function singleDate(header: HeaderValue, now: number): number | undefined {
  // §13.1.3/§13.1.4: a field value with more than one member is ignored, like an invalid date.
  if (header === undefined) return undefined;
  if (typeof header !== 'string') return header.length === 1 ? parseHttpDate(header[0]!, now) : undefined;
  return parseHttpDate(header, now);
}

/** True when the representation was last modified at or before `date`, judged on whole seconds. */
function unmodifiedSince(current: CurrentRepresentation, date: number): boolean {
  if (current.lastModified === undefined) return false;
  const modified = toHttpSeconds(current.lastModified);
  const since = toHttpSeconds(date);
  if (modified < since) return true;
  // Same second: only a date no other revision shares proves nothing changed (§8.8.2.2).
  return modified === since && !current.lastModifiedIsWeak;
}

// §13.1.1 If-Match: strong comparison; "*" is true only when a current representation exists.
// A malformed field is false, so it can never let a write through.
function checkIfMatch(list: EntityTagList | undefined, current: CurrentRepresentation): Condition {
  if (list === undefined) return 'none';
  if (list.kind === 'malformed') return 'false';
  if (list.kind === 'any') return current.exists ? 'true' : 'false';
  const tags = currentTags(current, true);
  return list.tags.some((wanted) => tags.some((have) => strongMatch(wanted, have))) ? 'true' : 'false';
}

// §13.1.4 If-Unmodified-Since: ignored when not a valid HTTP-date, and "if the resource does
// not have a modification date available" — a missing page has none.
function checkIfUnmodifiedSince(header: HeaderValue, current: CurrentRepresentation, now: number): Condition {
  const date = singleDate(header, now);
  if (date === undefined || !hasModificationDate(current)) return 'none';
  return unmodifiedSince(current, date) ? 'true' : 'false';
}

// §13.1.2 If-None-Match: weak comparison; "*" is false when a current representation exists.
// A malformed field is ignored on a read, and fails an unsafe method rather than leave it unconditional.
// On a read only the selected representation's tag counts: the 304 carries that tag, and a cache
// holding another variant could not use it (RFC 9111 §4.3.4). A write refuses on any variant's tag.
function checkIfNoneMatch(list: EntityTagList | undefined, current: CurrentRepresentation, method: string): Condition {
  if (list === undefined) return 'none';
  if (list.kind === 'malformed') return isSafeRead(method) ? 'none' : 'false';
  if (list.kind === 'any') return current.exists ? 'false' : 'true';
  const tags = currentTags(current, !isSafeRead(method));
  return list.tags.some((wanted) => tags.some((have) => weakMatch(wanted, have))) ? 'false' : 'true';
}

// §13.1.3 If-Modified-Since: only for GET and HEAD, and only a valid date. A date later than
// the server's clock is ignored (as RFC 2616 §14.25 said): it would hide every change made before it.
function checkIfModifiedSince(header: HeaderValue, current: CurrentRepresentation, now: number): Condition {
  const date = singleDate(header, now);
  if (date === undefined || toHttpSeconds(date) > toHttpSeconds(now) || !current.exists) return 'none';
  return unmodifiedSince(current, date) ? 'false' : 'true';
}

// §13.1.5 If-Range: true only for an exact strong match of the entity-tag this response would
// carry, or a date equal to Last-Modified that is a strong validator. Anything else is false.
function checkIfRange(header: HeaderValue, current: CurrentRepresentation, now: number): Condition {
  if (header === undefined) return 'none';
  const value = typeof header === 'string' ? header : header.join(',');
  if (!current.exists) return 'false';
  if (/^[ \t]*(?:"|W\/)/.test(value)) {
    const wanted = parseEntityTag(value);
    const have = current.etag === undefined ? undefined : parseEntityTag(current.etag);
    return wanted && have && strongMatch(wanted, have) ? 'true' : 'false';
  }
  const date = parseHttpDate(value, now);
  if (date === undefined || current.lastModified === undefined || current.lastModifiedIsWeak) return 'false';
  return toHttpSeconds(date) === toHttpSeconds(current.lastModified) ? 'true' : 'false';
}

/**
 * RFC 6585 §3: does the request carry a precondition that can protect a write? A valid
 * If-Unmodified-Since counts; an invalid one is ignored (§13.1.4), which leaves the write
 * unconditional. An If-None-Match that lists nothing protects nothing. Given `current`, an
 * If-Unmodified-Since counts only when it has a modification date (a missing page has none).
 */
export function hasWritePrecondition(headers: Readonly<Record<string, HeaderValue>>, now: number = Date.now(), current?: CurrentRepresentation): boolean {
  if (headers['if-match'] !== undefined) return true;
  const noneMatch = parseEntityTagList(headers['if-none-match']);
  if (noneMatch && (noneMatch.kind !== 'tags' || noneMatch.tags.length > 0)) return true;
  if (current !== undefined && !hasModificationDate(current)) return false;
  return singleDate(headers['if-unmodified-since'], now) !== undefined;
}

/**
 * Decides what to do with a request given the current representation (§13.2.2). The
 * caller applies §13.2.1 first: a request that would not be 2xx without its conditions
 * (a GET of a missing page is 404) does not reach this function.
 */
export function evaluatePreconditions(
  request: ConditionalRequest,
  current: CurrentRepresentation,
  options: EvaluateOptions = {},
): Decision {
  const method = request.method.toUpperCase();
  const headers = request.headers;
  if (isExactRevalidation(method, headers, current)) return NOT_MODIFIED;
  // The commonest read of all, a plain GET, carries no condition; a write without one is 428 below.
  if (!options.requirePrecondition && isUnconditional(headers)) return PROCEED;
  const now = options.now ?? Date.now();

  if (options.requirePrecondition && !isSafeRead(method) && !hasWritePrecondition(headers, now, current)) {
    return { outcome: 'precondition-required' };
  }

  // Step 1, else step 2: If-Unmodified-Since is looked at only when If-Match is absent.
  const ifMatch = parseEntityTagList(headers['if-match']);
  const matched = checkIfMatch(ifMatch, current);
  if (matched === 'false') {
    return { outcome: 'precondition-failed', header: 'If-Match', malformed: ifMatch?.kind === 'malformed' };
  }
  if (matched === 'none' && checkIfUnmodifiedSince(headers['if-unmodified-since'], current, now) === 'false') {
    return { outcome: 'precondition-failed', header: 'If-Unmodified-Since', malformed: false };
  }

  // Step 3, else step 4: If-Modified-Since is looked at only when If-None-Match is absent.
  // §13.1.3: "A recipient MUST ignore If-Modified-Since if the request contains an
  // If-None-Match header field" — one that is malformed, and so ignored on a read, included.
  const ifNoneMatch = parseEntityTagList(headers['if-none-match']);
  const noneMatched = checkIfNoneMatch(ifNoneMatch, current, method);
  if (noneMatched === 'false') {
    if (isSafeRead(method)) return NOT_MODIFIED;
    return { outcome: 'precondition-failed', header: 'If-None-Match', malformed: ifNoneMatch?.kind === 'malformed' };
  }
  if (ifNoneMatch === undefined && isSafeRead(method)) {
    if (checkIfModifiedSince(headers['if-modified-since'], current, now) === 'false') return NOT_MODIFIED;
  }

  // Step 5: If-Range matters only for a GET that carries Range (§14.2: other methods ignore Range).
  if (method === 'GET' && headers['range'] !== undefined) {
    if (checkIfRange(headers['if-range'], current, now) === 'false') return { outcome: 'proceed', ignoreRange: true };
  }
  return PROCEED;
}
