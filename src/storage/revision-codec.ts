// How a revision's text is stored. On SQLite the current revision stays plain UTF-8 (the hot
// read) and a revision that is no longer current is compressed by the history compactor
// (history-compactor.ts); PostgreSQL compresses each revision as it is written, so that no
// row is rewritten (postgres/README.md). Each row names its encoding, so rows of both kinds
// coexist and a conversion can stop and resume anywhere.
import { promisify } from 'node:util';
import { deflateRaw, deflateRawSync, inflateRaw, inflateRawSync } from 'node:zlib';
import { StoreError } from './store.js';

/** The `encoding` column of a revision row. */
export const REVISION_ENCODING = {
  /** The text as UTF-8 (SQLite: TEXT; PostgreSQL: bytea). */
  plain: 0,
  /** Raw DEFLATE (RFC 1951) of the UTF-8 bytes, level 6. */
  deflateRaw: 1,
} as const;

export type RevisionEncoding = (typeof REVISION_ENCODING)[keyof typeof REVISION_ENCODING];

// Measured on the Markdown in node_modules (bench/scenarios/storage.ts): level 6 keeps 0.34 of
// the bytes at ~35 MB/s and inflates at ~220 MB/s; brotli 5 keeps 0.32 but compresses slower
// and inflates slower, and levels above 6 gain nothing. zstd is not in Node 20.
const DEFLATE_LEVEL = 6;

// Inflating runs in libuv's thread pool above this many stored bytes (~3 ms for a 1 MiB text
// on the loop is too long); below it a synchronous inflate costs less than the hop.
const INFLATE_ON_LOOP_BELOW = 16 * 1024;

// Compressing runs in the thread pool above this many bytes (~0.5 ms on the loop at 16 KiB);
// below it a synchronous deflate is cheaper: the pool's stream machinery costs several times
// the CPU of a small deflate (measured: 4.0 s against 0.5 s for the 6,076 revisions of the
// storage bench).
export const DEFLATE_ON_LOOP_BELOW = 16 * 1024;

const deflateRawAsync = promisify(deflateRaw);
const inflateRawAsync = promisify(inflateRaw);

export interface EncodedRevision {
  readonly encoding: RevisionEncoding;
  readonly bytes: Buffer;
}

/**
 * The smaller of the compressed and the plain form of `text` (short texts do not shrink).
 * A large revision is compressed in the thread pool, so it never holds the event loop.
 */
export async function compressRevision(text: Buffer): Promise<EncodedRevision> {
  const options = { level: DEFLATE_LEVEL };
  const packed = text.length < DEFLATE_ON_LOOP_BELOW ? deflateRawSync(text, options) : await deflateRawAsync(text, options);
  return packed.length < text.length
    ? { encoding: REVISION_ENCODING.deflateRaw, bytes: packed }
    : { encoding: REVISION_ENCODING.plain, bytes: text };
}

/** decodeRevision on the event loop: only for work that runs before a server serves (a store's open). */
export function decodeRevisionSync(encoding: number, stored: Buffer | string): string {
  if (encoding === REVISION_ENCODING.plain) return typeof stored === 'string' ? stored : stored.toString('utf8');
  if (encoding !== REVISION_ENCODING.deflateRaw || typeof stored === 'string') {
    throw new StoreError('corrupt', `A revision is stored in an encoding this version does not know (${encoding})`);
  }
  return inflateRawSync(stored).toString('utf8');
}

/** The text of a stored revision, byte-exact; `stored` is a string where the driver gave one. */
export async function decodeRevision(encoding: number, stored: Buffer | string): Promise<string> {
  if (encoding === REVISION_ENCODING.plain) return typeof stored === 'string' ? stored : stored.toString('utf8');
  if (encoding !== REVISION_ENCODING.deflateRaw || typeof stored === 'string') {
    throw new StoreError('corrupt', `A revision is stored in an encoding this version does not know (${encoding})`);
  }
  try {
    const text = stored.length < INFLATE_ON_LOOP_BELOW ? inflateRawSync(stored) : await inflateRawAsync(stored);
    return text.toString('utf8');
  } catch (error) {
    throw new StoreError('corrupt', 'A compressed revision could not be inflated', { cause: error });
  }
}

/** A revision row's stored text as a store reads it; `content` is null for a deletion. */
export interface StoredRevision {
  readonly content: Buffer | string | null;
  readonly encoding: number;
}

/** The text of a revision row; undefined when there is no row or it is a deletion. */
export function storedText(row: StoredRevision | undefined): Promise<string> | undefined {
  if (row?.content === null || row?.content === undefined) return undefined;
  return decodeRevision(row.encoding, row.content);
}
