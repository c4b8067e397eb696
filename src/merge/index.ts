// Three-way merging of concurrent edits: plain text in, merged text and conflicts out.
export { commonPrefixLength, commonSuffixLength, splitLines } from './lines.js';
export { type Resolution, resolutionText, resolveConflicts } from './resolve.js';
export { CONFLICT_MARKERS, type MergeConflict, type MergeResult, mergeEdits, wholeConflict } from './three-way.js';
export { diffLines, diffWords, type LineBlock, MAX_WORD_DIFF_WORK, type WordBudget, wordBudget, type WordPart, wordTokens } from './two-way.js';
export { findRevisionByEtag, MAX_REVISIONS_SEARCHED } from './base-revision.js';
