// Files: uploads as conditional resources, written through the same preconditions as pages.
export { type ContentFacts, MAX_IMAGE_PIXELS } from './content-check.js';
export { type FileRule, FileRuleError } from './errors.js';
export { parseFileName } from './file-name.js';
export { DEFAULT_FILE_LIMIT, type FileBody, type FileDeleteOutcome, type FileEdit, type FileSaveOutcome, Files, type FilesOptions } from './files.js';
export { type DeclaredType, isTextual, parseDeclaredType } from './media-types.js';
