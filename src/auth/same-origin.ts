// CSRF defence: a state-changing request that a browser sends with our session cookie must
// come from one of our own pages. Browsers say where a request comes from in Sec-Fetch-Site
// and Origin, which pages cannot forge.
import type { IncomingHttpHeaders } from 'node:http';

export type RequestSource = 'same-origin' | 'cross-origin' | 'unknown';

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** scheme://host[:port], lower-case, without a default port; undefined when unparsable. */
export function normalizeOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    const port = url.port === '' || url.port === DEFAULT_PORTS[url.protocol] ? '' : `:${url.port}`;
    return `${url.protocol}//${url.hostname}${port}`.toLowerCase();
  } catch {
    return undefined;
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? (value.length === 1 ? value[0] : 'several') : value;
}

/**
 * Where the request comes from, as far as the browser said. Any sign of another origin wins;
 * `unknown` means neither header was sent (not a browser, or a very old one).
 */
export function requestSource(headers: IncomingHttpHeaders, ownOrigin: string): RequestSource {
  const site = single(headers['sec-fetch-site'])?.trim().toLowerCase();
  const origin = single(headers.origin)?.trim();
  if (site === undefined && origin === undefined) return 'unknown';
  if (site !== undefined && site !== 'same-origin') return 'cross-origin';
  // "null" is the opaque origin of sandboxed frames, data: URLs and some redirects.
  if (origin !== undefined && normalizeOrigin(origin) !== normalizeOrigin(ownOrigin)) return 'cross-origin';
  return 'same-origin';
}
