// Content codings for representations that carry validators (RFC 9110 §8.4, §8.8.3.3).
// A gzip or br variant is a different representation, so it gets its own strong ETag,
// derived from the identity tag; every variant of the current revision stays acceptable
// in If-Match and If-None-Match. (nginx weakens the tag instead, and Apache's "-gzip"
// suffix is not recognised back: both break conditional writes for clients behind them.)
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { Negotiator } from '@fastify/accept-negotiator';
import { LRUCache } from 'lru-cache';
import { CODED, type Coding, variantTag } from '../pages/variant-tags.js';

export { type Coding, codedEtag, equivalentEtags, variantTag, type VariantTag } from '../pages/variant-tags.js';

/** Below this size a coding saves nothing worth its header and CPU. */
export const MIN_CODED_SIZE = 1024;

const negotiator = new Negotiator<Coding>({
  supportedValues: ['br', 'gzip', 'identity'],
  cache: new LRUCache<string, string>({ max: 256 }) as unknown as {
    set: (k: string, v: string) => never;
    get: (k: string) => string | undefined;
    has: (k: string) => boolean;
  },
});

/** Picks the coding for a response of `size` identity bytes. */
export function negotiateCoding(acceptEncoding: string | undefined, size: number): Coding {
  if (!acceptEncoding || size < MIN_CODED_SIZE) return 'identity';
  return negotiator.negotiate(acceptEncoding) ?? 'identity';
}

// Coded bodies are cached by their strong tag, which names the bytes exactly, so a
// popular page is compressed once per revision rather than once per request.
const codedBodies = new LRUCache<string, Buffer>({ maxSize: 64 * 1024 * 1024, sizeCalculation: (b) => b.length || 1 });

/** The coded body that carries `codedTag` (a variant's tag, from variantTag), when it has been made already. */
export function cachedCodedBody(codedTag: string): Buffer | undefined {
  return codedBodies.get(codedTag);
}

export function encodeBody(body: Buffer, coding: Coding, etag: string): Buffer {
  if (coding === 'identity') return body;
  const key = variantTag(etag, coding).etag;
  let coded = codedBodies.get(key);
  if (!coded) {
    coded =
      coding === 'gzip'
        ? gzipSync(body)
        : // Quality 5 keeps the first request for a large page fast; 11 would take seconds for 1 MiB.
          brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
    codedBodies.set(key, coded);
  }
  return coded;
}
