// Sending wiki pages: each HTML body is cached under a key naming everything it was made
// from, and served through sendRepresentation with a strong ETag of its bytes and
// Cache-Control: no-cache, so a reload of an unchanged page is a 304.
import { createHash, webcrypto } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { hardenAsDocument } from '../http/security-headers.js';
import { PROBLEMS } from '../http/errors.js';
import { toProblem } from '../http/problem-response.js';
import { type Representation, sendRepresentation } from '../http/representation.js';
import { dropRepresentationFields } from '../http/validator-headers.js';
import { principalOf } from '../auth/principal.js';
import { personalize, viewerKey } from './account-nav.js';
import { type Html, html } from './html.js';
import { layout } from './layout.js';

/** A page as sent: its representation is made once, so a 304 for it allocates nothing of ours. */
type Rendered = Representation & { readonly body: Buffer };

declare module 'fastify' {
  interface FastifyInstance {
    readonly htmlPages: HtmlPages;
  }
}

/** One server's rendered HTML pages, by a key naming everything each was made from, and the viewer. */
export class HtmlPages {
  private readonly pages: LRUCache<string, Rendered>;

  constructor(maxBytes: number) {
    this.pages = new LRUCache<string, Rendered>({ maxSize: maxBytes, sizeCalculation: (r) => r.body.length || 1 });
  }

  get(key: string): Rendered | undefined {
    return this.pages.get(key);
  }

  /** Keeps `body` under `key`, with a strong ETag of its bytes. */
  async keep(key: string, body: Buffer, anonymous: boolean): Promise<Rendered> {
    const page: Rendered = {
      body,
      etag: `"${(await sha256(body)).toString('base64url').slice(0, 24)}"`,
      contentType: 'text/html; charset=utf-8',
      cacheControl: anonymous ? 'no-cache' : 'private, no-cache',
      size: body.length,
      load: async () => body,
    };
    this.pages.set(key, page);
    return page;
  }

  /** Makes these the pages of `app` (the wiki's plugin) and of everything registered in it. */
  install(app: FastifyInstance): void {
    app.decorate('htmlPages', this as HtmlPages);
  }
}

/** From this size a page is hashed off the event loop: a 2 MiB diff takes milliseconds to hash. */
const OFF_LOOP_HASH_SIZE = 64 * 1024;

/** SHA-256 of a small body at once; of a large one on libuv's thread pool (WebCrypto's digest runs there). */
async function sha256(body: Buffer): Promise<Buffer> {
  if (body.length < OFF_LOOP_HASH_SIZE) return createHash('sha256').update(body).digest();
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', body));
}

/**
 * Sends the page that `render` makes, unless the one cached under `key` can be used. The key
 * must name every input of the page (revision numbers, the change sequence, query values).
 */
export async function sendHtml(request: FastifyRequest, reply: FastifyReply, key: string, render: () => Promise<Html> | Html): Promise<FastifyReply | undefined> {
  // A signed-in viewer's pages carry their name: cached, and validated, per viewer.
  const viewer = viewerKey(request);
  const cacheKey = key + viewer;
  const pages = request.server.htmlPages;
  const page = pages.get(cacheKey) ?? (await pages.keep(cacheKey, personalize(request, (await render()).value), principalOf(request).kind === 'anonymous'));
  return sendPage(request, reply, page);
}

/**
 * Sends the page cached under `key` for this viewer, with no I/O, and returns what
 * sendRepresentation does (a 304 is sent at once); false when it is not cached.
 */
export function sendCachedHtml(request: FastifyRequest, reply: FastifyReply, key: string): Promise<FastifyReply> | undefined | false {
  const page = request.server.htmlPages.get(key + viewerKey(request));
  return page === undefined ? false : sendPage(request, reply, page);
}

function sendPage(request: FastifyRequest, reply: FastifyReply, page: Rendered): Promise<FastifyReply> | undefined {
  hardenAsDocument(reply);
  return sendRepresentation(request, reply, page);
}

/** A page that is an answer to this request only (a form result, an error): never stored. */
export function sendUncachedHtml(reply: FastifyReply, status: number, page: Html): FastifyReply {
  return hardenAsDocument(reply)
    .code(status)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(personalize(reply.request, page.value));
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
  // The URL as sent (a subpage's "/" kept), not as routed (wiki-url.ts).
  return request.method === 'GET' ? `/login?next=${encodeURIComponent(request.originalUrl)}` : '/login';
}

/** The error handler of the wiki's routes: the API's problem, shown as a page. */
export function htmlErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = toProblem(error);
  if (problem.status >= 500) request.server.log.error({ err: error, method: request.method, url: request.url }, 'wiki request failed');
  // The same fields as the API's problem (validator-headers.ts): a 412 keeps ETag and Vary.
  dropRepresentationFields(reply, problem.status);
  for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value);
  const signIn = problem.status === 401 ? html`<p class="actions"><a class="button primary" href="${signInPath(request)}">Sign in</a></p>` : undefined;
  return sendUncachedHtml(reply, problem.status, errorPage(problem.status, PROBLEMS[problem.code].title, problem.detail, signIn));
}
