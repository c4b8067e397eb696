// The domain's errors: a rule of a page's name or edit summary broken. They say nothing of
// HTTP; src/http/domain-problems.ts is the one table that turns them into problems.

export type PageRule = 'page-name' | 'edit-summary';

export class PageRuleError extends Error {
  constructor(
    readonly rule: PageRule,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'PageRuleError';
  }
}
