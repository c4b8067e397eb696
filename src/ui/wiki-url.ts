// Wiki URLs keep a subpage's "/" readable: /wiki/Team/Onboarding is page "Team/Onboarding", and
// /wiki/Team/Onboarding/edit its editor. A name's segments after the first are never one of the
// action words (RESERVED_SEGMENTS, src/pages), so the first such segment after the first starts
// the action. The router sees one segment per name (its "/" as %2F, as the API spells it), so
// every route and its access rule (auth/route-access.ts) stay those of a single-segment name.
import { RESERVED_SEGMENTS } from '../pages/page-name.js';

const ACTIONS: ReadonlySet<string> = new Set(RESERVED_SEGMENTS);
const PREFIX = '/wiki/';

/** A page name as a wiki path: each segment percent-encoded, "/" kept. */
export function wikiPathName(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/');
}

/** The raw (still percent-encoded) name and action of a wiki path: `Team/Onboarding`, `edit`. */
export function splitWikiPath(path: string): { readonly name: string; readonly action: string } | undefined {
  if (!path.startsWith(PREFIX)) return undefined;
  const segments = path.slice(PREFIX.length).split('/');
  const at = segments.findIndex((segment, i) => i > 0 && ACTIONS.has(segment));
  const end = at < 0 ? segments.length : at;
  return { name: segments.slice(0, end).join('/'), action: segments.slice(end).join('/') };
}

/**
 * The URL as the router is to see it (Fastify's rewriteUrl): a wiki URL whose name has several
 * segments gets them joined by %2F; anything else is left as it is, at the cost of one check.
 */
export function routedWikiUrl(url: string): string {
  if (!url.startsWith(PREFIX)) return url;
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  const split = splitWikiPath(path);
  if (!split || !split.name.includes('/')) return url;
  const action = split.action === '' ? '' : `/${split.action}`;
  return `${PREFIX}${split.name.replaceAll('/', '%2F')}${action}${query < 0 ? '' : url.slice(query)}`;
}
