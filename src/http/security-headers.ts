// Security headers on every response. HTML documents get helmet's full set: the wiki's
// Content-Security-Policy (no inline script, no framing), nosniff, a same-origin
// Referrer-Policy and their friends. Everything else (Markdown, JSON, problems, static files,
// redirects) is never rendered as a document, and gets what such a response needs: nosniff,
// a policy that allows nothing should a browser open it anyway, and same-origin CORP — about
// 450 bytes less on every API answer.
// helmet's middleware is run once, at start, against a recorder; each response then gets the
// recorded headers in one step. (@fastify/helmet rebuilds the middleware on every request,
// which cost 40% of the 304 rate on the development machine.) They depend on nothing but the
// media type, so they change no validator: ETags, 304s and 412s are as before.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';
import { CONTENT_SECURITY_POLICY } from '../ui/html-response.js';

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

function isHtml(contentType: unknown): boolean {
  return typeof contentType === 'string' && contentType.startsWith('text/html');
}

/**
 * Every response but a 304 gets them: a 304 only refreshes a stored response, which has them
 * already (RFC 9110 §15.4.5 asks a 304 for little more than its validators), and leaving them
 * out keeps the commonest answer small.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  const headers = securityHeaderValues();
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (reply.statusCode !== 304) reply.headers(isHtml(reply.getHeader('content-type')) ? headers : NON_DOCUMENT_HEADERS);
    done(null, payload);
  });
}
