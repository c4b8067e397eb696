// /api/pages/{name}: read, conditional write and conditional delete of one page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatHttpDate } from '../../conditional/index.js';
import type { Pages, Refused } from '../../pages/index.js';
import type { PageState, PageStore } from '../../storage/store.js';
import { isPageMediaType } from '../body-parsers.js';
import { authorOf, refuseUnconditionalWrite, type Writer, writeProblem } from '../conditional-write.js';
import { parseEditSummary } from '../../pages/edit-summary.js';
import { HttpProblem } from '../errors.js';
import { isoDate } from '../json-representation.js';
import { encodePageName, parsePageName } from '../../pages/page-name.js';
import { sendRepresentation } from '../representation.js';
import type { ResourceTable } from '../resources.js';
import { conditionalHeaders, nameParams, problemResponses } from '../schemas.js';
import { moveMethod } from './page-moves.js';
import { missingPage } from './page-redirects.js';

export interface PageRouteContext {
  readonly store: PageStore;
  readonly resources: ResourceTable;
  readonly writer: (request: FastifyRequest) => Writer;
  /** The domain: every write goes through it. */
  readonly pages: Pages;
}

type NameRequest = FastifyRequest<{ Params: { name: string } }>;

export function pageUrl(name: string): string {
  return `/api/pages/${encodePageName(name)}`;
}

export function writtenBody(state: PageState) {
  return { name: state.name, revision: state.revision, etag: state.etag ?? null, lastModified: isoDate(state.lastModified), size: state.size };
}

/**
 * A PUT whose If-Match names an earlier revision of the page collided with someone else's
 * write: its 412 gets `merge`, the domain's merge proposal (src/pages/merge-proposal.ts) of
 * that revision (the base), the current page and the request body, so the client can save
 * `merge.content` with If-Match: currentEtag. No proposal without a known, earlier base, or
 * when the merge ran out of time.
 */
export function withMergeProposal(problem: HttpProblem, outcome: Refused): HttpProblem {
  const { proposal, state } = outcome;
  if (problem.code !== 'precondition-failed' || !proposal?.merge || !proposal.base || proposal.base.revision >= state.revision) return problem;
  const merge = { base: proposal.base.etag, ...proposal.merge };
  const detail = `${problem.detail} The body's \`merge\` is your text merged with the current page${merge.clean ? '' : ', with conflicts to resolve'}.`;
  return new HttpProblem(problem.code, detail, { ...problem.extensions, merge }, problem.headers);
}

/** PUT /api/pages/{name}: the request's condition fields are the precondition (RFC 9110 §13.1). */
export async function putPage(context: PageRouteContext, request: NameRequest, reply: FastifyReply) {
  const name = parsePageName(request.params.name);
  const content = typeof request.body === 'string' ? request.body : '';
  const by = context.writer(request);
  const outcome = await context.pages.savePage({
    name,
    content,
    precondition: { kind: 'request', method: 'PUT', headers: request.headers },
    summary: parseEditSummary(request.headers['edit-summary']),
    by: authorOf(by, request),
  });
  if (outcome.kind !== 'saved') {
    const problem = writeProblem(outcome, name, by, request.headers['if-match']);
    throw outcome.kind === 'refused' ? withMergeProposal(problem, outcome) : problem;
  }
  const { before, after } = outcome;
  reply.header('etag', after.etag!);
  // Like a read's (representation.ts): no Last-Modified while another revision shares its second.
  if (!after.lastModifiedIsWeak) reply.header('last-modified', formatHttpDate(after.lastModified));
  if (!before.exists) reply.code(201).header('location', pageUrl(name));
  return reply.type('application/json; charset=utf-8').send(writtenBody(after));
}

/** DELETE /api/pages/{name}: history is kept; a missing page is 404 before any precondition. */
export async function deletePage(context: PageRouteContext, request: NameRequest, reply: FastifyReply) {
  const name = parsePageName(request.params.name);
  const by = context.writer(request);
  const outcome = await context.pages.deletePage({
    name,
    precondition: { kind: 'request', method: 'DELETE', headers: request.headers },
    summary: parseEditSummary(request.headers['edit-summary']),
    by: authorOf(by, request),
  });
  if (outcome.kind !== 'saved') throw writeProblem(outcome, name, by, request.headers['if-match']);
  return reply.code(204).send();
}

/** GET and HEAD /api/pages/{name}: synchronous when the store knows the page's validators, so a 304 costs no promise. */
export function readPage({ store }: PageRouteContext, request: NameRequest, reply: FastifyReply): Promise<unknown> | undefined {
  const name = parsePageName(request.params.name);
  const known = store.currentHead?.(name);
  return known === undefined ? store.head(name).then((state) => representPage(store, request, reply, name, state)) : representPage(store, request, reply, name, known);
}

function representPage(store: PageStore, request: NameRequest, reply: FastifyReply, name: string, state: PageState): Promise<unknown> | undefined {
  // §13.2.1: a missing page is 404 (or 308 where it moved) whatever the preconditions say (never 304 or 412).
  if (!state.exists) return missingPage(store, name, reply);
  return sendRepresentation(request, reply, {
    etag: state.etag!,
    lastModified: state.lastModified,
    lastModifiedIsWeak: state.lastModifiedIsWeak,
    contentType: 'text/markdown; charset=utf-8',
    cacheControl: 'no-cache',
    size: state.size,
    load: async () => (await store.content(name, state.revision)) ?? '',
  });
}

/** A PUT's media type and precondition, checked before the body is read (so Expect: 100-continue gets its answer at once). */
async function checkPutHeaders(request: FastifyRequest): Promise<void> {
  // Checked before parsing, so a JSON or form body gets 415 rather than a parse error.
  if (!isPageMediaType(request.headers['content-type'])) {
    throw new HttpProblem('unsupported-media-type', 'A page body must be text/markdown or text/plain in UTF-8.');
  }
  refuseUnconditionalWrite(request.headers);
}

export function registerPageRoutes(app: FastifyInstance, context: PageRouteContext): void {
  const { resources } = context;
  const read = (request: NameRequest, reply: FastifyReply) => readPage(context, request, reply);
  const tags = ['pages'];
  resources.add(app, '/api/pages/:name', {
    GET: {
      options: {
        schema: {
          tags,
          summary: 'Read a page (conditional GET, Range and If-Range supported)',
          operationId: 'readPage',
          // The hot path: parsePageName checks the name, so Fastify need not validate it too.
          documentedParams: nameParams,
          documentedHeaders: conditionalHeaders,
          response: { 200: { description: 'The page source', content: { 'text/markdown': { schema: { type: 'string' } } } }, 304: { description: 'Not modified', type: 'null' }, 206: { description: 'A byte range of the page source', content: { 'text/markdown': { schema: { type: 'string' } } } }, ...problemResponses(404, 412, 416) },
        },
      },
      handler: read,
    },
    HEAD: {
      options: {
        schema: {
          tags,
          summary: 'Validators and size of a page, without its body',
          operationId: 'headPage',
          documentedParams: nameParams,
          documentedHeaders: conditionalHeaders,
          response: { 200: { description: 'The page exists; its validators and size', type: 'null' }, 304: { description: 'Not modified', type: 'null' }, ...problemResponses(404, 412) },
        },
      },
      handler: read,
    },
    PUT: {
      options: {
        schema: {
          tags,
          summary: 'Create or replace a page; requires If-Match, If-None-Match or If-Unmodified-Since',
          operationId: 'putPage',
          // Text, not JSON: a generated client must send the string as it is (docs/API.md, "Generated clients").
          documentedBody: { content: { 'text/markdown': { schema: pageSource }, 'text/plain': { schema: pageSource } } },
          params: nameParams,
          documentedHeaders: { ...conditionalHeaders, properties: { ...conditionalHeaders.properties, 'edit-summary': { type: 'string', description: 'Percent-encoded UTF-8 summary of the edit' } } },
          response: { 200: writtenSchema('Replaced'), 201: writtenSchema('Created'), ...problemResponses(400, 412, 413, 415, 428) },
        },
      },
      onRequest: checkPutHeaders,
      handler: (request: NameRequest, reply: FastifyReply) => putPage(context, request, reply),
    },
    DELETE: {
      options: {
        schema: {
          tags,
          summary: 'Delete a page (history is kept); requires a precondition',
          operationId: 'deletePage',
          params: nameParams,
          documentedHeaders: conditionalHeaders,
          response: { 204: { description: 'Deleted', type: 'null' }, ...problemResponses(404, 412, 428) },
        },
      },
      handler: (request: NameRequest, reply: FastifyReply) => deletePage(context, request, reply),
    },
    MOVE: moveMethod(context),
  });
}

const pageSource = { type: 'string', description: 'The page source, Markdown in UTF-8' } as const;

function writtenSchema(description: string) {
  return {
    description,
    type: 'object',
    properties: {
      name: { type: 'string' },
      revision: { type: 'integer' },
      etag: { type: 'string' },
      lastModified: { type: 'string', format: 'date-time' },
      size: { type: 'integer' },
    },
    required: ['name', 'revision', 'etag', 'lastModified', 'size'],
  };
}
