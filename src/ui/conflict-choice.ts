// What the resolution form says was chosen for one conflict. Without JavaScript nothing ticks
// "Write my own" when someone types their own text, so a text that differs from the one the
// form was shown with counts as that choice: typed words are never thrown away.
import { type Resolution, resolutionText } from '../merge/index.js';
import { normalizeNewlines } from '../pages/index.js';
import { type FormBody, field } from './form-body.js';

interface Conflict {
  readonly mine: string;
  readonly theirs: string;
}

/** The text "Your own text for this conflict" starts with: mine, then theirs. */
export function ownTextDefault(conflict: Conflict): string {
  return resolutionText(conflict, { take: 'both' });
}

/** The choice for conflict `i`; undefined when none was made. */
export function chosenResolution(body: FormBody, i: number, conflict: Conflict): Resolution | undefined {
  const take = field(body, `choice-${i}`);
  if (take === 'mine' || take === 'theirs' || take === 'both') return { take };
  const own = field(body, `edit-${i}`);
  const text = own === undefined ? undefined : normalizeNewlines(own);
  if (take === 'edit') return { take, text: text ?? '' };
  // No choice ticked, but the own text was typed in: typing is choosing.
  if (take === undefined && text !== undefined && text !== ownTextDefault(conflict)) return { take: 'edit', text };
  return undefined;
}
