// Sending wiki pages: each HTML body is cached under a key naming everything it was made
// from, and served through sendRepresentation with a strong ETag of its bytes and
// Cache-Control: no-cache, so a reload of an unchanged page is a 304.
import { createHash } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { hardenAsDocument } from '../http/security-headers.js';
import { PROBLEMS } from '../http/errors.js';
import { toProblem } from '../http/problem-response.js';
import { sendRepresentation } from '../http/representation.js';
import { principalOf } from '../auth/principal.js';
import { personalize, viewerKey } from './account-nav.js';
import { type Html, html } from './html.js';
import { layout } from './layout.js';

interface Rendered {
  readonly etag: string;
  readonly body: Buffer;
}

const rendered = new LRUCache<string, Rendered>({ maxSize: 64 * 1024 * 1024, sizeCalculation: (r) => r.body.length || 1 });

/**
 * Sends the page that `render` makes, unless the one cached under `key` can be used. The key
 * must name every input of the page (revision numbers, the change sequence, query values).
 */
export async function sendHtml(request: FastifyRequest, reply: FastifyReply, key: string, render: () => Promise<Html> | Html): Promise<FastifyReply | undefined> {
  // A signed-in viewer's pages carry their name: cached, and validated, per viewer.
  const viewer = viewerKey(request);
  const cacheKey = key + viewer;
  let page = rendered.get(cacheKey);
  if (!page) {
    const body = Buffer.from(personalize(request, (await render()).value), 'utf8');
    page = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 24)}"` };
    rendered.set(cacheKey, page);
  }
  return sendPage(request, reply, page, viewer);
}

/**
 * Sends the page cached under `key` for this viewer, with no I/O, and returns what
 * sendRepresentation does (a 304 is sent at once); false when it is not cached.
 */
export function sendCachedHtml(request: FastifyRequest, reply: FastifyReply, key: string): Promise<FastifyReply> | undefined | false {
  const viewer = viewerKey(request);
  const page = rendered.get(key + viewer);
  return page === undefined ? false : sendPage(request, reply, page, viewer);
}

function sendPage(request: FastifyRequest, reply: FastifyReply, page: Rendered, viewer: string): Promise<FastifyReply> | undefined {
  const body = page.body;
  hardenAsDocument(reply);
  return sendRepresentation(request, reply, {
    etag: page.etag,
    contentType: 'text/html; charset=utf-8',
    cacheControl: principalOf(request).kind === 'anonymous' ? 'no-cache' : 'private, no-cache',
    size: body.length,
    load: async () => body,
  });
}

/** A page that is an answer to this request only (a form result, an error): never stored. */
export function sendUncachedHtml(reply: FastifyReply, status: number, page: Html): FastifyReply {
  return hardenAsDocument(reply)
    .code(status)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(Buffer.from(personalize(reply.request, page.value), 'utf8'));
}

export function errorPage(status: number, title: string, detail: string, extra?: Html): Html {
  return layout({
    title,
    noindex: true,
    body: html`<article class="notice error-page">
  <p class="status">Error ${status}</p>
  <h1>${title}</h1>
  <p>${detail}</p>
  ${extra ?? ''}
  <p><a href="/">Back to recent changes</a></p>
</article>`,
  });
}

/** The sign-in page, coming back here afterwards when this was a page to look at. */
function signInPath(request: FastifyRequest): string {
  return request.method === 'GET' ? `/login?next=${encodeURIComponent(request.url)}` : '/login';
}

/** The error handler of the wiki's routes: the API's problem, shown as a page. */
export function htmlErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = toProblem(error);
  if (problem.status >= 500) request.server.log.error({ err: error, method: request.method, url: request.url }, 'wiki request failed');
  for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value);
  reply.removeHeader('content-encoding');
  reply.removeHeader('etag');
  const signIn = problem.status === 401 ? html`<p class="actions"><a class="button primary" href="${signInPath(request)}">Sign in</a></p>` : undefined;
  return sendUncachedHtml(reply, problem.status, errorPage(problem.status, PROBLEMS[problem.code].title, problem.detail, signIn));
}
