// The links and redirects tables' reads, written once for both databases; `param(n)` spells the
// n-th parameter. links holds (from_name, to_name) for every current page's [[links]] (red ones
// too); redirects holds (name, target) for every name a page moved away from.

/**
 * The pages linking to $1, directly or through a redirect to it (`via` the redirect's name; null
 * when one of its links is direct), after $2 in name order, at most $3. Each branch is a range
 * of an index: links (to_name, from_name) and redirects (target).
 */
export function backlinksSql(param: (n: number) => string): string {
  return `SELECT name, CASE WHEN count(via) < count(*) THEN NULL ELSE min(via) END AS via FROM (
      SELECT from_name AS name, CAST(NULL AS TEXT) AS via FROM links WHERE to_name = ${param(1)} AND from_name > ${param(2)}
      UNION ALL
      SELECT l.from_name, r.name FROM redirects r JOIN links l ON l.to_name = r.name
      WHERE r.target = ${param(1)} AND l.from_name > ${param(2)}
    ) b GROUP BY name ORDER BY name LIMIT ${param(3)}`;
}

export const REDIRECT_SQL = (param: (n: number) => string) => `SELECT target FROM redirects WHERE name = ${param(1)}`;

/** A backlinks row as both drivers deliver it. */
export interface BacklinkRow {
  name: string;
  via: string | null;
}
