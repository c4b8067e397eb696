// A write as both stores queue it for their group commit (group-commit.ts).
import { type BatchLimits, DEFAULT_BATCH_LIMITS } from './group-commit.js';
import type { WriteInfo } from './store.js';

export type PageWrite =
  | { readonly kind: 'put'; readonly name: string; readonly content: string; readonly expectedRevision: number; readonly info: WriteInfo }
  | { readonly kind: 'delete'; readonly name: string; readonly expectedRevision: number; readonly info: WriteInfo };

/** The batch settings both stores take; a batch is one transaction on SQLite, one statement on PostgreSQL. */
export interface BatchSettings {
  /** Most writes committed by one batch (default 64). */
  readonly writeBatchSize?: number;
  /** Most bytes of page text one batch holds (default 512 KiB; a larger page goes alone). */
  readonly writeBatchBytes?: number;
  /** While other writers wait, most bytes of one writer's pages in a batch (default 128 KiB). */
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
