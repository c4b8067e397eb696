// What one server keeps to answer reads without redoing work: identity bodies and their coded
// variants by tag, the variants' tags, and formatted dates. Made per server from the settings
// (src/app.ts) and reached from a request through its Fastify instance, so two servers in one
// process (tests, a cluster worker's restart) share nothing and each is sized on its own.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { formatHttpDate } from '../conditional/index.js';
import { type Compressor, ContentCodings } from './content-coding.js';

export interface ResponseCacheSizes {
  /** Bytes of identity bodies kept (read from the store once per revision). */
  readonly identityBytes: number;
  /** Bytes of gzip and br bodies kept (compressed once per revision). */
  readonly codedBytes: number;
}

export const DEFAULT_RESPONSE_CACHE_SIZES: ResponseCacheSizes = { identityBytes: 64 * 1024 * 1024, codedBytes: 64 * 1024 * 1024 };

declare module 'fastify' {
  interface FastifyInstance {
    readonly responseCaches: ResponseCaches;
  }
}

export class ResponseCaches {
  readonly codings: ContentCodings;
  // Every ETag midair hands out names its bytes exactly (a hash of them), so bodies can be kept
  // by tag with nothing to invalidate: a popular page is read and encoded once per revision.
  readonly identityBodies: LRUCache<string, Buffer>;
  // Pages change far less often than they are read: formatted dates are kept, by second (an
  // HTTP-date has no finer resolution, RFC 9110 §5.6.7), so pages written together share one.
  private readonly dates = new Map<number, string>();

  /** `compress`: where bodies of 64 KiB and more are compressed (the work pool); the event loop without it. */
  constructor(sizes: ResponseCacheSizes = DEFAULT_RESPONSE_CACHE_SIZES, compress?: Compressor) {
    this.codings = new ContentCodings(sizes.codedBytes, compress);
    this.identityBodies = new LRUCache<string, Buffer>({ maxSize: sizes.identityBytes, sizeCalculation: (b) => b.length || 1 });
  }

  httpDate(time: number): string {
    const second = Math.floor(time / 1000);
    let text = this.dates.get(second);
    if (text === undefined) {
      if (this.dates.size >= 4096) this.dates.clear();
      text = formatHttpDate(second * 1000);
      this.dates.set(second, text);
    }
    return text;
  }

  /** Makes these the caches of `app` and of every plugin registered in it. */
  install(app: FastifyInstance): void {
    app.decorate('responseCaches', this as ResponseCaches);
  }
}

/** The caches of the server answering `request`. */
export function responseCachesOf(request: FastifyRequest): ResponseCaches {
  return request.server.responseCaches;
}
