// Saving and deleting a file: the precondition is decided against the name's current version
// before a byte of the body is read, then the body streams into the store (checked against its
// declared type as it comes), and the store compare-and-swaps on exactly the version that
// decision saw. If the name moved meanwhile, decide again; the staged bytes wait for that.
import type { Author } from '../pages/pages.js';
import { type Refusal, refusalOf, type WritePrecondition } from '../pages/precondition.js';
import type { FileState, FileStore, FileUpload, StagedContent } from '../storage/files.js';
import { ContentCheck, type ContentFacts } from './content-check.js';
import { FileRuleError } from './errors.js';
import type { DeclaredType } from './media-types.js';

// Each retry follows a commit by someone else; only "*" and date conditions can pass twice.
const MAX_ATTEMPTS = 16;

/** The --file-limit default: 100 MiB. */
export const DEFAULT_FILE_LIMIT = 100 * 1024 * 1024;

export interface FilesOptions {
  /** Largest file in bytes. */
  readonly fileLimit?: number;
  /** Bytes of versions one author may upload in all (history included); unlimited when absent. */
  readonly quotaBytes?: number;
}

export interface FileEdit {
  readonly name: string;
  readonly precondition: WritePrecondition;
  readonly summary: string;
  readonly by: Author;
}

export interface FileBody {
  readonly type: DeclaredType;
  /** The request's Content-Length, when it sent one: a body too large is refused before it is read. */
  readonly length?: number;
  /** Read only once the precondition holds. */
  readonly bytes: () => AsyncIterable<Uint8Array>;
}

export type FileSaved = { readonly kind: 'saved'; readonly before: FileState; readonly after: FileState };
export type FileRefused = { readonly kind: 'refused'; readonly refusal: Refusal; readonly state: FileState };
export type FileLookalike = { readonly kind: 'lookalike'; readonly existing: string };
export type FileNotFound = { readonly kind: 'not-found' };
export type FileSaveOutcome = FileSaved | FileRefused | FileLookalike;
export type FileDeleteOutcome = FileSaved | FileRefused | FileNotFound;

export class Files {
  readonly fileLimit: number;
  readonly quotaBytes: number | undefined;

  constructor(
    readonly store: FileStore,
    options: FilesOptions = {},
  ) {
    this.fileLimit = options.fileLimit ?? DEFAULT_FILE_LIMIT;
    this.quotaBytes = options.quotaBytes;
  }

  /**
   * Checks what the request's header fields alone decide (its declared size against the limit),
   * so an adapter can refuse before it even looks at the name's state.
   */
  refuseDeclaredSize(length: number | undefined): void {
    if (length !== undefined && length > this.fileLimit) throw tooLarge(this.fileLimit);
  }

  async saveFile(edit: FileEdit & { readonly body: FileBody }): Promise<FileSaveOutcome> {
    let state = await this.store.head(edit.name);
    const early = refusalOf(edit.precondition, state);
    if (early) return { kind: 'refused', refusal: early, state };
    const limit = await this.allowance(edit.by.author, edit.body.length);
    const upload = this.store.upload();
    let saved = false;
    try {
      const { content, facts } = await receive(upload, edit.body, limit);
      const info = { summary: edit.summary, author: edit.by.author, mediaType: edit.body.type.stored, ...facts };
      for (let attempt = 1; ; attempt++) {
        const result = await this.store.put(edit.name, content, state.version, info);
        if (result.ok) {
          saved = true;
          return { kind: 'saved', before: state, after: result.state };
        }
        if (result.reason === 'lookalike') return { kind: 'lookalike', existing: result.existing };
        state = await this.store.head(edit.name);
        const refusal = attempt >= MAX_ATTEMPTS ? ({ reason: 'contended' } as const) : refusalOf(edit.precondition, state);
        if (refusal) return { kind: 'refused', refusal, state };
      }
    } finally {
      if (!saved) await upload.discard();
    }
  }

  async deleteFile(edit: FileEdit): Promise<FileDeleteOutcome> {
    for (let attempt = 1; ; attempt++) {
      const state = await this.store.head(edit.name);
      // RFC 9110 §13.2.1: a delete of a missing file would not be 2xx without conditions, so 404 first.
      if (!state.exists) return { kind: 'not-found' };
      const refusal = attempt > MAX_ATTEMPTS ? ({ reason: 'contended' } as const) : refusalOf(edit.precondition, state);
      if (refusal) return { kind: 'refused', refusal, state };
      const result = await this.store.delete(edit.name, state.version, { summary: edit.summary, author: edit.by.author });
      if (result.ok) return { kind: 'saved', before: state, after: result.state };
    }
  }

  /** How many bytes this upload may have: the file limit, or what is left of the author's quota when less. */
  private async allowance(author: string, length: number | undefined): Promise<Allowance> {
    this.refuseDeclaredSize(length);
    if (this.quotaBytes === undefined) return { bytes: this.fileLimit, byQuota: false };
    const left = Math.max(0, this.quotaBytes - (await this.store.bytesBy(author)));
    if (length !== undefined && length > left) throw overQuota(left, this.quotaBytes);
    return left < this.fileLimit ? { bytes: left, byQuota: true } : { bytes: this.fileLimit, byQuota: false };
  }
}

interface Allowance {
  readonly bytes: number;
  /** The quota, not the file limit, is what bounds this upload. */
  readonly byQuota: boolean;
}

/** Streams the body into the upload, checking it as it comes; refused the moment it passes `allowed`. */
async function receive(upload: FileUpload, body: FileBody, allowed: Allowance): Promise<{ content: StagedContent; facts: ContentFacts }> {
  const check = new ContentCheck(body.type);
  for await (const bytes of body.bytes()) {
    if (upload.size + bytes.byteLength > allowed.bytes) throw allowed.byQuota ? overQuota(allowed.bytes) : tooLarge(allowed.bytes);
    await check.take(bytes);
    await upload.write(bytes);
  }
  const facts = await check.finish();
  return { content: await upload.finish(), facts };
}

function tooLarge(limit: number): FileRuleError {
  return new FileRuleError('too-large', `A file may have at most ${limit} bytes (--file-limit); nothing was saved.`, { limit });
}

function overQuota(left: number, quota?: number): FileRuleError {
  return new FileRuleError('quota', `This upload would pass your upload quota${quota === undefined ? '' : ` of ${quota} bytes`}: ${left} bytes are left. Nothing was saved.`, { remaining: left });
}
