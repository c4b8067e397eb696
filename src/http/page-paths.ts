// A page name is ONE path segment of the API: "/" in a name travels as %2F
// (`/api/pages/Team%2FOnboarding/revisions`), so sub-resources stay unambiguous. A raw "/"
// reaches no route; its 404 says how to send the name.
import { HttpProblem } from './errors.js';

const UNDER_A_PAGE = /^\/api\/pages\/[^/]+\/./;

/** The 404 for a path no route matches: with the encoding rule when it looks like a subpage's raw path. */
export function unroutedPath(path: string): HttpProblem {
  if (!UNDER_A_PAGE.test(path)) return new HttpProblem('not-found', `Nothing is at ${path}.`);
  const suggested = `/api/pages/${path.slice('/api/pages/'.length).split('/').join('%2F')}`;
  return new HttpProblem(
    'not-found',
    `Nothing is at ${path}. A page name is one path segment: send "/" in a name as %2F (for the page "Team/Onboarding": /api/pages/Team%2FOnboarding). Did you mean ${suggested}?`,
    { suggested },
  );
}
