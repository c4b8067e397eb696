// Security headers on every response. Every response starts with the set for what is never
// rendered as a document (Markdown, JSON, problems, static files, redirects): nosniff, a
// policy that allows nothing should a browser open it anyway, and same-origin CORP. The one
// place that sends HTML (ui/html-response.ts) replaces it with helmet's full set: the wiki's
// Content-Security-Policy (no inline script, no framing), a same-origin Referrer-Policy and
// their friends. So a response nobody hardened is hardened the strict way, and a 304 carries
// what its 200 carried: a cache replaces stored fields with the 304's (RFC 9111 §4.3.4).
// helmet's middleware is run once, at start, against a recorder; each response then gets the
// recorded headers in one step. (@fastify/helmet rebuilds the middleware on every request,
// which cost 40% of the 304 rate on the development machine; an onSend hook choosing the set
// by media type cost about 5%.) They depend on nothing but the media type, so they change no
// validator: ETags, 304s and 412s are as before.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import helmet from 'helmet';

/** The wiki's pages: no script but our own files, no plugins, no framing, forms only to this origin. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The policy's directives, from the one string the wiki's pages are written against. */
export function cspDirectives(policy: string = CONTENT_SECURITY_POLICY): Record<string, string[]> {
  const directives: Record<string, string[]> = {};
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives[name] = values;
  }
  return directives;
}

const middleware = helmet({
  contentSecurityPolicy: { useDefaults: false, directives: cspDirectives() },
  referrerPolicy: { policy: 'same-origin' },
  xFrameOptions: { action: 'deny' },
  // Browsers honour it only over HTTPS; behind a TLS proxy it keeps them there.
  strictTransportSecurity: { maxAge: 15_552_000, includeSubDomains: false },
});

/** The headers helmet sets, lower-cased. */
export function securityHeaderValues(): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return headers;
}

/** For responses that are not HTML: no sniffing, no script, no plugins, no framing, no cross-site embedding. */
export const NON_DOCUMENT_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
  'cross-origin-resource-policy': 'same-origin',
};

/** helmet's full set, for HTML documents. */
export const DOCUMENT_HEADERS: Readonly<Record<string, string>> = securityHeaderValues();

/** Every response starts with these (the auth layer's onRequest hook applies them). */
export function hardenAsNonDocument(reply: FastifyReply): FastifyReply {
  return reply.headers(NON_DOCUMENT_HEADERS);
}

/** An HTML document, or a 304 for one: its policy replaces the strict default. */
export function hardenAsDocument(reply: FastifyReply): FastifyReply {
  return reply.headers(DOCUMENT_HEADERS);
}
