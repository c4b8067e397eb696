// The files domain's errors: a rule of a file's name, size or content broken. They say nothing
// of HTTP; src/http/domain-problems.ts turns them into problems.

export type FileRule =
  | 'file-name'
  /** Larger than the --file-limit setting. */
  | 'too-large'
  /** Would take the uploader past their quota. */
  | 'quota'
  /** The Content-Type is missing or not a media type. */
  | 'media-type'
  /** The bytes are not what the Content-Type says. */
  | 'type-mismatch'
  /** An image whose header declares more pixels than any decoder may be asked to hold. */
  | 'image-too-large';

export class FileRuleError extends Error {
  constructor(
    readonly rule: FileRule,
    readonly detail: string,
    /** Facts a client can act on (limits, both media types). */
    readonly facts: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'FileRuleError';
  }
}
