// The snippets' source as a store keeps it on disk (search-snippet.ts cuts snippets from it):
// raw DEFLATE (RFC 1951), optionally against the start of the revision's own content, which
// PostgreSQL uses so that the search index holds little more than what the content lacks.
import { promisify } from 'node:util';
import { constants, deflateRaw, deflateRawSync, inflateRaw, inflateRawSync } from 'node:zlib';
import { DEFLATE_ON_LOOP_BELOW, REVISION_ENCODING } from './revision-codec.js';
import { snippetSource } from './search-snippet.js';
import { StoreError } from './store.js';

const deflateRawAsync = promisify(deflateRaw);

/**
 * Bytes at the start of a page's content that a packed snippet source may refer back to: its
 * DEFLATE dictionary (raw DEFLATE looks back 32 KiB at most). The plain text is mostly the
 * content's own words in the content's order, so against it the source costs a fraction.
 */
export const SNIPPET_REFERENCE_BYTES = 32 * 1024;

const NO_REFERENCE = Buffer.alloc(0);

/** The reference of a content's UTF-8 bytes. */
export function snippetReference(content: Buffer): Buffer {
  return content.subarray(0, SNIPPET_REFERENCE_BYTES);
}

/**
 * The stored bytes of a revision (revision-codec.ts) that hold its reference, plain or
 * compressed: a DEFLATE block never takes more bytes than it gives out plus a few of header
 * (zlib falls back to a stored block), so a store need read no more of a row than this.
 */
export const STORED_REFERENCE_BYTES = SNIPPET_REFERENCE_BYTES + 1024;

// Below this many stored bytes a reference is inflated on the event loop (well under a
// millisecond); above, in the thread pool, so that a page of hits never holds the loop.
const INFLATE_ON_LOOP_BELOW = 8 * 1024;

const inflateRawAsync = promisify(inflateRaw);

/** The reference of a stored revision's content, from at least its first STORED_REFERENCE_BYTES, inflating only those. */
export async function storedSnippetReference(encoding: number, stored: Buffer): Promise<Buffer> {
  if (encoding === REVISION_ENCODING.plain) return snippetReference(stored);
  if (encoding !== REVISION_ENCODING.deflateRaw) throw new StoreError('corrupt', `A revision is stored in an encoding this version does not know (${encoding})`);
  const start = stored.subarray(0, STORED_REFERENCE_BYTES);
  // A stream cut short ends without its last block: flush what there is instead of failing.
  const options = { finishFlush: constants.Z_SYNC_FLUSH };
  try {
    return snippetReference(start.length < INFLATE_ON_LOOP_BELOW ? inflateRawSync(start, options) : await inflateRawAsync(start, options));
  } catch (error) {
    throw new StoreError('corrupt', 'A compressed revision could not be inflated', { cause: error });
  }
}

/** The snippet source of a page's plain text, packed (a long one in the thread pool), optionally against a reference. */
export async function packSnippetSource(text: string, reference: Buffer = NO_REFERENCE): Promise<Buffer> {
  const source = Buffer.from(snippetSource(text), 'utf8');
  const options = reference.length > 0 ? { dictionary: reference } : {};
  return source.length < DEFLATE_ON_LOOP_BELOW ? deflateRawSync(source, options) : deflateRawAsync(source, options);
}

/** The text packSnippetSource packed, given the same reference. */
export function unpackSnippetSource(packed: Buffer, reference: Buffer = NO_REFERENCE): string {
  try {
    return inflateRawSync(packed, reference.length > 0 ? { dictionary: reference } : {}).toString('utf8');
  } catch (error) {
    throw new StoreError('corrupt', 'A search index entry could not be inflated', { cause: error });
  }
}
