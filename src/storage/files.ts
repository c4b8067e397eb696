// The FileStore: uploaded files, every version kept, their bytes stored once per content
// (content-addressed by SHA-256, in chunks). Writes compare-and-swap on the name's current
// version in the database, with the same create-only / replace-if-match rules as pages.

/** Bytes per stored chunk: a range read touches only the chunks it overlaps. */
export const FILE_CHUNK_BYTES = 256 * 1024;

/** The latest version of a name, or that there is none. */
export interface FileState {
  readonly name: string;
  readonly exists: boolean;
  /** 0 when the name was never used; a deletion is a version too. */
  readonly version: number;
  /** Strong, from the SHA-256 of the bytes (undefined when deleted or never made). */
  readonly etag?: string;
  /** Hex SHA-256 of the bytes: the key of the content. */
  readonly sha256?: string;
  readonly mediaType?: string;
  readonly size: number;
  readonly lastModified: number;
  /** Shares its second with the version before, so Last-Modified cannot tell them apart (RFC 9110 §8.8.2.2). */
  readonly lastModifiedIsWeak: boolean;
  /** An image's pixel size, when its header told (never decoded to find out). */
  readonly width?: number;
  readonly height?: number;
}

/** One version of a name, deletions included. */
export interface FileVersionInfo extends FileState {
  readonly deleted: boolean;
  readonly summary: string;
  readonly author: string;
}

/** Bytes staged by an upload: invisible until a put names them, dropped at open if never named. */
export interface StagedContent {
  readonly sha256: string;
  readonly size: number;
  /** The store's handle of the staged rows. */
  readonly id: string;
}

/** A content being received: chunks are staged as they fill, so memory holds at most one. */
export interface FileUpload {
  /** Bytes received so far. */
  readonly size: number;
  /** Appends bytes; resolves once the chunks they complete are staged. */
  write(bytes: Uint8Array): Promise<void>;
  /** Stages the last chunk and names the content by its hash. */
  finish(): Promise<StagedContent>;
  /** Drops the staged rows (unless a put made them a version). Harmless to repeat. */
  discard(): Promise<void>;
}

export interface FileWriteInfo {
  readonly summary: string;
  readonly author: string;
}

export interface FileContentInfo extends FileWriteInfo {
  readonly mediaType: string;
  readonly width?: number;
  readonly height?: number;
}

export type FileWriteResult =
  | { readonly ok: true; readonly state: FileState }
  /** The name is not at the expected version any more. */
  | { readonly ok: false; readonly reason: 'conflict' }
  /** A creation refused: `existing` has the same fold key (src/storage/page-name-key.ts). */
  | { readonly ok: false; readonly reason: 'lookalike'; readonly existing: string };

/** Inclusive byte positions, as a Range header gives them. */
export interface ContentRange {
  readonly start: number;
  readonly end: number;
}

export interface FileStore {
  head(name: string): Promise<FileState>;
  /** The same, without a promise, where the backend can (SQLite): the 304 path then costs none. */
  currentHead?(name: string): FileState;
  upload(): FileUpload;
  /** Makes `content` the name's next version if the name is at `expectedVersion` (0: never used). */
  put(name: string, content: StagedContent, expectedVersion: number, info: FileContentInfo): Promise<FileWriteResult>;
  /** Records a deletion if the name is at `expectedVersion` and exists. */
  delete(name: string, expectedVersion: number, info: FileWriteInfo): Promise<FileWriteResult>;
  list(options: { readonly after?: string; readonly limit: number }): Promise<{ files: FileState[]; more: boolean }>;
  /** Versions older than `before` (default: all), newest first. */
  versions(name: string, options: { readonly before?: number; readonly limit: number }): Promise<FileVersionInfo[]>;
  version(name: string, version: number): Promise<FileVersionInfo | undefined>;
  /** The bytes of a content, or of a range of it, read a few chunks at a time. */
  read(sha256: string, range?: ContentRange): AsyncIterable<Buffer>;
  /** Bytes of every version `author` uploaded (the quota's measure). */
  bytesBy(author: string): Promise<number>;
  close(): Promise<void>;
}

/** The strong ETag of a content: its SHA-256, base64url. */
export function contentEtag(sha256Hex: string): string {
  return `"${Buffer.from(sha256Hex, 'hex').toString('base64url')}"`;
}
