// A file's name follows the page-name rules (src/pages/page-name.ts): the same characters
// refused, the same length, and look-alikes refused among files by the same fold key.
import { PageRuleError } from '../pages/errors.js';
import { parsePageName } from '../pages/page-name.js';
import { FileRuleError } from './errors.js';

export function parseFileName(decoded: string): string {
  try {
    return parsePageName(decoded);
  } catch (error) {
    if (!(error instanceof PageRuleError)) throw error;
    throw new FileRuleError('file-name', error.detail.replace(/\bpage name\b/g, 'file name').replace(/\bA page\b/g, 'A file'));
  }
}
