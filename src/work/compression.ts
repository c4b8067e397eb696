// gzip and br as midair sends them; in a worker thread for a large body (a 2 MiB diff page takes
// tens of milliseconds to compress), on the event loop for a small one.
import { promisify } from 'node:util';
import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync } from 'node:zlib';

export type BodyCoding = 'gzip' | 'br';

// Quality 5 keeps the first request for a large page fast; 11 would take seconds for 1 MiB.
const brotliOptions = (body: Uint8Array) => ({ params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });

export function compressBody(body: Uint8Array, coding: BodyCoding): Buffer {
  return coding === 'gzip' ? gzipSync(body) : brotliCompressSync(body, brotliOptions(body));
}

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** The same bytes as compressBody, made on libuv's thread pool: for when the work pool cannot take it. */
export function compressBodyInThreadPool(body: Uint8Array, coding: BodyCoding): Promise<Buffer> {
  return coding === 'gzip' ? gzipAsync(body) : brotliAsync(body, brotliOptions(body));
}
