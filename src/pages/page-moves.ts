// The rules of a move that hold whatever the store says: a page taken along with its subpages
// cannot land among them, nor they above it (the names being moved and made would overlap).
import { PageRuleError } from './errors.js';

export function checkMove(from: string, to: string, withSubpages: boolean): void {
  if (!withSubpages) return;
  if (to.startsWith(`${from}/`)) throw new PageRuleError('page-name', `"${to}" is a subpage of "${from}": a page cannot be moved under itself with its subpages.`);
  if (from.startsWith(`${to}/`)) throw new PageRuleError('page-name', `"${from}" is a subpage of "${to}": a page cannot be moved to its own parent's name with its subpages; move it without them, or move them one by one.`);
}
