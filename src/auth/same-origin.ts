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
export function requestSource(headers: IncomingHttpHeaders, ownOrigins: readonly string[]): RequestSource {
  const site = single(headers['sec-fetch-site'])?.trim().toLowerCase();
  const origin = single(headers.origin)?.trim();
  if (site === undefined && origin === undefined) return 'unknown';
  if (site !== undefined && site !== 'same-origin') return 'cross-origin';
  // "null" is the opaque origin of sandboxed frames, data: URLs and some redirects.
  if (origin !== undefined) {
    const normalized = normalizeOrigin(origin);
    if (normalized === undefined || !ownOrigins.some((own) => normalizeOrigin(own) === normalized)) return 'cross-origin';
  }
  return 'same-origin';
}

/**
 * When a refused Origin looks like our own site seen through a misconfigured proxy, what went
 * wrong and how to fix it; undefined when it looks like another site. The closest of our own
 * origins is named: same host first.
 */
export function originMismatch(headers: IncomingHttpHeaders, ownOrigins: readonly string[]): string | undefined {
  // A browser that says the request left another origin (cross-site, or same-site: another
  // port or subdomain) saw a page that is not ours: no proxy explains that away.
  const fetchSite = single(headers['sec-fetch-site'])?.trim().toLowerCase();
  if (fetchSite !== undefined && fetchSite !== 'same-origin') return undefined;
  const origin = normalizeOrigin(single(headers.origin)?.trim() ?? '');
  const ours = ownOrigins.map(normalizeOrigin).filter((own) => own !== undefined).map((own) => new URL(own));
  if (origin === undefined || ours.length === 0) return undefined;
  const page = new URL(origin);
  const fix = `or list ${origin} in PUBLIC_URL if users reach the wiki there.`;
  // Any https page against an http midair: most likely a TLS proxy midair does not trust.
  const plain = ours.find((own) => own.protocol === 'http:');
  if (page.protocol === 'https:' && plain && !ours.some((own) => own.protocol === 'https:')) {
    return `The page is https but midair takes its own origin to be ${plain.origin}: behind an HTTPS proxy, set TRUST_PROXY so that it believes X-Forwarded-Proto, ${fix}`;
  }
  const samePlace = ours.find((own) => own.hostname === page.hostname && own.protocol === page.protocol);
  if (samePlace) {
    return `The page's origin ${origin} and midair's own origin ${samePlace.origin} differ in port: a proxy in front of midair dropped the port from Host (nginx: proxy_set_header Host $http_host, not $host), ${fix}`;
  }
  // The browser itself says same-origin, so the name midair was given is not the one users see.
  if (fetchSite === 'same-origin') {
    return `The browser calls this request same-origin, but its origin ${origin} is not midair's own origin (${ours.map((own) => own.origin).join(', ')}): a proxy did not pass the Host on (nginx: proxy_set_header Host $http_host), ${fix}`;
  }
  return undefined;
}
