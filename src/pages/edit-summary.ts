import { PageRuleError } from './errors.js';

export const MAX_SUMMARY_LENGTH = 500;

/** The optional Edit-Summary request header: percent-encoded UTF-8, like a URL component. */
export function parseEditSummary(header: string | string[] | undefined): string {
  if (header === undefined) return '';
  const raw = Array.isArray(header) ? header.join(', ') : header;
  let summary: string;
  try {
    summary = decodeURIComponent(raw);
  } catch {
    throw new PageRuleError('edit-summary', 'Edit-Summary must be percent-encoded UTF-8 (as encodeURIComponent produces).');
  }
  if ([...summary].length > MAX_SUMMARY_LENGTH) {
    throw new PageRuleError('edit-summary', `An edit summary has at most ${MAX_SUMMARY_LENGTH} characters.`);
  }
  if (/[\p{Cc}]/u.test(summary)) throw new PageRuleError('edit-summary', 'An edit summary cannot contain control characters.');
  return summary.trim();
}
