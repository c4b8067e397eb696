// A write as both stores queue it for their group commit (group-commit.ts).
import { type BatchLimits, DEFAULT_BATCH_LIMITS } from './group-commit.js';
import type { WriteInfo } from './store.js';

export type PageWrite =
  | { readonly kind: 'put'; readonly name: string; readonly content: string; readonly expectedRevision: number; readonly info: WriteInfo }
  | { readonly kind: 'delete'; readonly name: string; readonly expectedRevision: number; readonly info: WriteInfo };

/** The batch settings both stores take (each store's options document them). */
export interface BatchSettings {
  readonly writeBatchSize?: number;
  readonly writeBatchBytes?: number;
  readonly writerShare?: number;
}

/** A batch's bounds for page writes: bytes are the page text's, and the writer is WriteInfo.writer, else the author. */
export function pageWriteLimits(settings: BatchSettings): BatchLimits<PageWrite> {
  return {
    maxJobs: settings.writeBatchSize ?? DEFAULT_BATCH_LIMITS.maxJobs,
    maxBytes: settings.writeBatchBytes ?? DEFAULT_BATCH_LIMITS.maxBytes,
    writerShare: settings.writerShare ?? DEFAULT_BATCH_LIMITS.writerShare,
    bytesOf: (job) => (job.kind === 'put' ? Buffer.byteLength(job.content, 'utf8') : 0),
    writerOf: (job) => job.info.writer ?? job.info.author,
  };
}
