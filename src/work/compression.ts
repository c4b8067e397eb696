// gzip and br as midair sends them; in a worker thread for a large body (a 2 MiB diff page takes
// tens of milliseconds to compress), on the event loop for a small one.
import { promisify } from 'node:util';
import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync } from 'node:zlib';
import type { WorkPool } from './pool.js';

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

export const COMPRESSION_TASKS = {
  compress: (input: { body: Uint8Array; coding: BodyCoding }): Uint8Array => compressBody(input.body, input.coding),
};

/** A pool that runs at least the compression task. */
export type CompressionWork = WorkPool<typeof COMPRESSION_TASKS>;

/** A body compressed in a pool's thread; rejects when it cannot be (queue full, out of time). */
export async function compressInPool(work: CompressionWork, body: Uint8Array, coding: BodyCoding): Promise<Buffer> {
  const outcome = await work.run('compress', { body, coding });
  if (!outcome.done) throw new Error(`compressing ${body.length} bytes with ${coding} ran out of time`);
  const coded = outcome.value; // a Uint8Array once it has crossed the thread
  return Buffer.from(coded.buffer, coded.byteOffset, coded.byteLength);
}
