// Sends a representation that carries validators: negotiates its coding, evaluates the
// request's preconditions against metadata only, and loads the body only for a 200/206.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type CurrentRepresentation, evaluatePreconditions, type HeaderValue, parseEntityTagList } from '../conditional/index.js';
import { parseByteRange } from './byte-range.js';
import { type Coding, equivalentEtags } from './content-coding.js';
import { HttpProblem } from './errors.js';
import { type ResponseCaches, responseCachesOf } from './response-caches.js';

export interface Representation {
  /** Strong identity entity-tag, computed when the content was written. */
  readonly etag: string;
  readonly lastModified?: number;
  readonly lastModifiedIsWeak?: boolean;
  readonly contentType: string;
  readonly cacheControl: string;
  /** Identity size in bytes, known from metadata, so a coding can be chosen before loading. */
  readonly size: number;
  /** Loads the identity bytes; not called for a 304, a 412 or a HEAD. */
  readonly load: () => Promise<Buffer | string>;
}

/** The validators of a representation, as the precondition engine wants them. */
export function currentOf(rep: Pick<Representation, 'etag' | 'lastModified' | 'lastModifiedIsWeak'>, selectedEtag?: string, equivalents?: readonly string[]): CurrentRepresentation {
  return {
    exists: true,
    etag: selectedEtag ?? rep.etag,
    equivalentEtags: equivalents ?? equivalentEtags(rep.etag),
    lastModified: rep.lastModified,
    lastModifiedIsWeak: rep.lastModifiedIsWeak ?? false,
  };
}

/**
 * The 412 of a failed precondition. `ifMatch` is the request's If-Match: when it names the
 * current revision only in weak form, a proxy weakened the tag, and the detail says so.
 */
export function preconditionFailed(header: string, malformed: boolean, currentEtag: string | null, ifMatch?: HeaderValue): HttpProblem {
  const weakened = header === 'If-Match' && currentEtag !== null ? weakenedCurrentTag(ifMatch, currentEtag) : undefined;
  const detail = malformed
    ? `${header} is not a valid entity-tag list (tags are quoted, e.g. "abc" or W/"abc"), so it cannot be satisfied.`
    : currentEtag === null
      ? `${header} did not hold: the page does not exist.`
      : header === 'If-None-Match'
        ? 'If-None-Match did not hold: the page already exists, so nothing was written (If-None-Match: * only creates a page that does not exist yet).'
        : weakened !== undefined
          ? weakenedTagDetail(weakened)
          : `${header} did not hold: the page has changed since the version the request names.`;
  return new HttpProblem('precondition-failed', detail, { currentEtag }, currentEtag === null ? {} : { etag: currentEtag });
}

/** The current revision's tag (any coding's) that If-Match lists only as W/"…", as nginx's gzip and Varnish rewrite it. */
export function weakenedCurrentTag(ifMatch: HeaderValue, currentEtag: string): string | undefined {
  const list = parseEntityTagList(ifMatch);
  if (list?.kind !== 'tags') return undefined;
  const current = [currentEtag, ...equivalentEtags(currentEtag)];
  return list.tags.find((tag) => tag.weak && current.includes(tag.opaque))?.opaque;
}

function weakenedTagDetail(tag: string): string {
  return (
    `If-Match names W/${tag}, the weak form of the current revision's ETag ${tag}. midair sent it strong; ` +
    'a proxy between you and midair weakened it (nginx does when its gzip compresses a response, Varnish when it ' +
    'gunzips one for a client without gzip), and a weak tag never satisfies If-Match (RFC 9110 §13.1.1), so nothing ' +
    'was written. Fix the proxy: in nginx, "gzip off;" in the location that proxies midair (midair compresses by ' +
    'itself); in Varnish, start varnishd with "-p http_gzip_support=off" so it keeps each coding as its own variant. ' +
    'Until then, send If-Match with the tag unweakened.'
  );
}

/**
 * Answers a request for a representation. A 304 (the commonest answer) and a 412 are decided
 * and sent at once, with no promise, and `undefined` is returned; an answer with a body
 * returns the promise of sending it.
 */
export function sendRepresentation(request: FastifyRequest, reply: FastifyReply, rep: Representation): Promise<FastifyReply> | undefined {
  const method = request.method;
  const headers = request.headers;
  const caches = responseCachesOf(request);
  // Ranges are served from the identity bytes: a byte range of a coded body would need its own tag.
  const wantsRange = method === 'GET' && headers.range !== undefined;
  const coding = wantsRange ? 'identity' : caches.codings.negotiate(headers['accept-encoding'], rep.size);
  const { etag, equivalents } = caches.codings.variantTag(rep.etag, coding);
  const decision = evaluatePreconditions({ method, headers }, currentOf(rep, etag, equivalents));

  reply.header('etag', etag);
  reply.header('cache-control', rep.cacheControl);
  reply.header('vary', 'Accept-Encoding');

  // A 304 carries these, as the 200 would, and no other representation metadata
  // (NOT_MODIFIED_FIELDS, validator-headers.ts); Last-Modified would help only a response
  // without an ETag. The cache keeps the stored one, which cannot have changed while the tag has not.
  if (decision.outcome === 'not-modified') {
    reply.code(304).send();
    return undefined;
  }
  if (decision.outcome === 'precondition-failed') throw preconditionFailed(decision.header, decision.malformed, rep.etag, headers['if-match']);
  // A date another revision shares cannot tell them apart (§8.8.2.2): date-only clients
  // (curl -z, wget -N) would keep the older text, so there is no Last-Modified until it can.
  if (rep.lastModified !== undefined && !rep.lastModifiedIsWeak) reply.header('last-modified', caches.httpDate(rep.lastModified));
  return sendBody(caches, request, reply, rep, coding, etag, wantsRange && !(decision.outcome === 'proceed' && decision.ignoreRange));
}

// A body at hand (cached by its tag) is sent at once, with no promise; only a body that must
// be read from the store waits for it.
function sendBody(caches: ResponseCaches, request: FastifyRequest, reply: FastifyReply, rep: Representation, coding: Coding, codedTag: string, honourRange: boolean): Promise<FastifyReply> | undefined {
  // A 304 has no body to describe; everything with one says what it is. (nosniff and the
  // rest of the security headers are on every response already: security-headers.ts.)
  reply.header('content-type', rep.contentType);
  reply.header('accept-ranges', 'bytes');
  if (coding !== 'identity') reply.header('content-encoding', coding);
  const head = request.method === 'HEAD';
  if (head && coding === 'identity') {
    reply.header('content-length', rep.size).send();
    return undefined;
  }
  const coded = coding === 'identity' || head ? undefined : caches.codings.cached(codedTag);
  if (coded !== undefined) {
    reply.code(200).send(coded);
    return undefined;
  }
  const identity = caches.identityBodies.get(rep.etag);
  if (identity !== undefined) {
    const sent = sendFromIdentity(caches, request, reply, rep, coding, honourRange, identity);
    return sent instanceof Promise ? sent : undefined;
  }
  return loadIdentityBody(caches, rep).then((loaded) => sendFromIdentity(caches, request, reply, rep, coding, honourRange, loaded));
}

/** Sent at once, or the promise of it while a large body is compressed off the loop. */
function sendFromIdentity(caches: ResponseCaches, request: FastifyRequest, reply: FastifyReply, rep: Representation, coding: Coding, honourRange: boolean, identity: Buffer): FastifyReply | Promise<FastifyReply> {
  // HEAD reports the length a GET would send; for a coded variant that means coding it.
  if (request.method === 'HEAD') return whenCoded(caches.codings.encode(identity, coding, rep.etag), (coded) => reply.header('content-length', coded.length).send());
  if (honourRange) {
    const ranges = parseByteRange(String(request.headers.range), identity.length);
    if (ranges.kind === 'unsatisfiable') {
      throw new HttpProblem('range-not-satisfiable', `No byte of the range lies within the ${identity.length} bytes of the representation.`, {}, {
        'content-range': `bytes */${identity.length}`,
      });
    }
    // One range is served as 206; another unit, an invalid set or several ranges get the
    // full 200, which §14.2 allows (a server may ignore Range).
    if (ranges.kind === 'one') {
      const { start, end } = ranges.range;
      reply.header('content-range', `bytes ${start}-${end}/${identity.length}`);
      return reply.code(206).send(identity.subarray(start, end + 1));
    }
  }
  return whenCoded(caches.codings.encode(identity, coding, rep.etag), (coded) => reply.code(200).send(coded));
}

function whenCoded(coded: Buffer | Promise<Buffer>, send: (coded: Buffer) => FastifyReply): FastifyReply | Promise<FastifyReply> {
  return coded instanceof Promise ? coded.then(send) : send(coded);
}

async function loadIdentityBody(caches: ResponseCaches, rep: Representation): Promise<Buffer> {
  const loaded = await rep.load();
  const body = typeof loaded === 'string' ? Buffer.from(loaded, 'utf8') : loaded;
  caches.identityBodies.set(rep.etag, body);
  return body;
}
