// Content codings for representations that carry validators (RFC 9110 §8.4, §8.8.3.3).
// A gzip or br variant is a different representation, so it gets its own strong ETag,
// derived from the identity tag; every variant of the current revision stays acceptable
// in If-Match and If-None-Match. (nginx weakens the tag instead, and Apache's "-gzip"
// suffix is not recognised back: both break conditional writes for clients behind them.)
import { Negotiator } from '@fastify/accept-negotiator';
import { LRUCache } from 'lru-cache';
import { type Coding, type VariantTag, VariantTagMemo } from '../pages/variant-tags.js';
import { type BodyCoding, compressBody, compressBodyInThreadPool } from '../work/compression.js';

export { type Coding, codedEtag, equivalentEtags, variantTag, type VariantTag } from '../pages/variant-tags.js';

/** Below this size a coding saves nothing worth its header and CPU. */
export const MIN_CODED_SIZE = 1024;

/** From this size a body is compressed off the event loop (when the server has a way to): a few ms of work or more. */
export const OFF_LOOP_CODED_SIZE = 64 * 1024;

/** Compresses off the event loop (the work pool); rejects when it cannot, and the loop does it. */
export type Compressor = (body: Buffer, coding: BodyCoding) => Promise<Buffer>;

type NegotiatorCache = { set: (k: string, v: string) => never; get: (k: string) => string | undefined; has: (k: string) => boolean };

/**
 * One server's codings: the choice per Accept-Encoding value, the variants' tags, and the
 * coded bodies, cached by their strong tag (which names the bytes exactly), so a popular page
 * is compressed once per revision rather than once per request.
 */
export class ContentCodings {
  private readonly negotiator = new Negotiator<Coding>({
    supportedValues: ['br', 'gzip', 'identity'],
    // Few distinct Accept-Encoding values exist; each is parsed once.
    cache: new LRUCache<string, string>({ max: 256 }) as unknown as NegotiatorCache,
  });
  private readonly tags = new VariantTagMemo();
  private readonly coded: LRUCache<string, Buffer>;
  /** Large bodies being compressed now, so that concurrent requests for one wait for the same work. */
  private readonly pending = new Map<string, Promise<Buffer>>();

  /** `maxBytes`: the coded bodies kept at most; `offLoop`: where large bodies are compressed. */
  constructor(
    maxBytes: number,
    private readonly offLoop?: Compressor,
  ) {
    this.coded = new LRUCache<string, Buffer>({ maxSize: maxBytes, sizeCalculation: (b) => b.length || 1 });
  }

  /** Picks the coding for a response of `size` identity bytes. */
  negotiate(acceptEncoding: string | undefined, size: number): Coding {
    if (!acceptEncoding || size < MIN_CODED_SIZE) return 'identity';
    return this.negotiator.negotiate(acceptEncoding) ?? 'identity';
  }

  /** The tag of the `coding` variant of the revision whose identity tag is `etag`, and its equivalents. */
  variantTag(etag: string, coding: Coding): VariantTag {
    return this.tags.variantTag(etag, coding);
  }

  /** The coded body that carries `codedTag` (a variant's tag), when it has been made already. */
  cached(codedTag: string): Buffer | undefined {
    return this.coded.get(codedTag);
  }

  /** The body in `coding`: at once when kept or small, else the promise of compressing it off the loop. */
  encode(body: Buffer, coding: Coding, etag: string): Buffer | Promise<Buffer> {
    if (coding === 'identity') return body;
    const key = this.tags.variantTag(etag, coding).etag;
    const kept = this.coded.get(key);
    if (kept) return kept;
    if (this.offLoop === undefined || body.length < OFF_LOOP_CODED_SIZE) return this.keep(key, compressBody(body, coding));
    let pending = this.pending.get(key);
    if (pending === undefined) {
      pending = this.offLoop(body, coding)
        .catch(() => compressBodyInThreadPool(body, coding)) // the pool is busy or out of time
        .then((coded) => this.keep(key, coded))
        .finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }

  private keep(key: string, coded: Buffer): Buffer {
    this.coded.set(key, coded);
    return coded;
  }
}
