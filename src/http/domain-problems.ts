// The one table from the errors of the layers below http (pages, work) to problems of the
// catalog (errors.ts). Those layers never name a status; this is where they get one.
import { type FileRule, FileRuleError } from '../files/errors.js';
import { PageRuleError, type PageRule } from '../pages/errors.js';
import { WorkBusyError } from '../work/pool.js';
import { HttpProblem, type ProblemCode } from './errors.js';

const PAGE_RULES: Record<PageRule, ProblemCode> = {
  'page-name': 'bad-page-name',
  'edit-summary': 'bad-edit-summary',
};

const FILE_RULES: Record<FileRule, ProblemCode> = {
  'file-name': 'bad-file-name',
  'too-large': 'file-too-large',
  quota: 'file-quota-exceeded',
  'media-type': 'unsupported-media-type',
  'type-mismatch': 'file-type-mismatch',
  'image-too-large': 'image-too-large',
};

/** The problem a domain error stands for, or undefined when `error` is none of theirs. */
export function domainProblem(error: unknown): HttpProblem | undefined {
  if (error instanceof PageRuleError) return new HttpProblem(PAGE_RULES[error.rule], error.detail);
  if (error instanceof FileRuleError) return new HttpProblem(FILE_RULES[error.rule], error.detail, error.facts);
  if (error instanceof WorkBusyError) {
    // RFC 9110 §15.6.4 with §10.2.3: busy for now, and how long to wait.
    const seconds = String(error.retryAfterSeconds);
    return new HttpProblem('server-busy', error.message, { retryAfter: error.retryAfterSeconds }, { 'retry-after': seconds });
  }
  return undefined;
}
