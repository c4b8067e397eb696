// The domain: what may be written to a page, and what a refused write is offered instead.
export { PageRuleError, type PageRule } from './errors.js';
export { MAX_SUMMARY_LENGTH, parseEditSummary } from './edit-summary.js';
export { encodePageName, MAX_PAGE_NAME_LENGTH, parentName, parsePageName, RESERVED_SEGMENTS } from './page-name.js';
export { findBaseRevision, type MergeProposal, MergeProposals, normalizeNewlines, type TaggedRevision, textHash } from './merge-proposal.js';
export { type Author, type DeleteOutcome, type DestinationExists, type Edit, type LookalikeName, type Moved, type MoveOutcome, type NotFound, Pages, type Protected, type Refused, type SaveOutcome, type Written } from './pages.js';
export { pageLinks, MAX_LINKS_PER_PAGE } from './page-links.js';
export { baseTagsOf, type Refusal, refusalOf, type WritePrecondition } from './precondition.js';
