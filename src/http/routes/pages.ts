// /api/pages/{name}: read, conditional write and conditional delete of one page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatHttpDate, parseEntityTagList } from '../../conditional/index.js';
import { findRevisionByEtag } from '../../merge/index.js';
import type { PageState, PageStore } from '../../storage/store.js';
import { isPageMediaType } from '../body-parsers.js';
import { equivalentEtags } from '../content-coding.js';
import { conditionalWrite, refuseUnconditionalWrite, type Writer } from '../conditional-write.js';
import { lazyIndexedText, withSearchText } from '../../work/search-text.js';
import { parseEditSummary } from '../edit-summary.js';
import { HttpProblem } from '../errors.js';
import { isoDate } from '../json-representation.js';
import { encodePageName, parsePageName } from '../page-name.js';
import { sendRepresentation } from '../representation.js';
import type { ResourceTable } from '../resources.js';
import { conditionalHeaders, nameParams, problemResponses } from '../schemas.js';
import type { WorkPool } from '../../work/pool.js';

export interface PageRouteContext {
  readonly store: PageStore;
  readonly resources: ResourceTable;
  readonly writer: (request: FastifyRequest) => Writer;
  /** Worker threads: the merge proposal is computed there. */
  readonly work: WorkPool;
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
 * write: its 412 gets `merge`, the three-way merge of that revision (the base), the current
 * page and the request body, so the client can save `merge.content` with If-Match: currentEtag.
 */
async function withMergeProposal(store: PageStore, work: WorkPool, name: string, problem: HttpProblem, state: PageState, ifMatch: string | string[] | undefined, mine: string): Promise<HttpProblem> {
  const list = parseEntityTagList(ifMatch);
  if (problem.code !== 'precondition-failed' || !state.exists || list?.kind !== 'tags') return problem;
  // Weak tags never match If-Match; a content-coded tag names the same revision as its identity tag.
  const tags = list.tags.filter((tag) => !tag.weak).map((tag) => tag.opaque);
  const names = (etag: string) => tags.some((tag) => tag === etag || equivalentEtags(etag).includes(tag));
  const base = tags.length === 0 ? undefined : await findRevisionByEtag(store, name, names);
  if (!base || base.etag === null || base.revision >= state.revision) return problem;
  const [baseText, currentText] = await Promise.all([store.content(name, base.revision), store.content(name, state.revision)]);
  if (baseText === undefined || currentText === undefined) return problem;
  // Off the event loop and within its time; the 412 stays true without a proposal (out of time, or busy).
  const outcome = await work.run('merge', { base: baseText, current: currentText, mine }).catch(() => ({ done: false as const }));
  if (!outcome.done) return problem;
  const merge = { base: base.etag, ...outcome.value };
  const detail = `${problem.detail} The body's \`merge\` is your text merged with the current page${merge.clean ? '' : ', with conflicts to resolve'}.`;
  return new HttpProblem(problem.code, detail, { ...problem.extensions, merge }, problem.headers);
}

export function registerPageRoutes(app: FastifyInstance, { store, resources, writer, work }: PageRouteContext): void {
  // Synchronous when the store knows the page's validators, so a 304 costs no promise.
  function readPage(request: NameRequest, reply: FastifyReply): Promise<unknown> | undefined {
    const name = parsePageName(request.params.name);
    const known = store.currentHead?.(name);
    return known === undefined ? store.head(name).then((state) => representPage(request, reply, name, state)) : representPage(request, reply, name, known);
  }

  function representPage(request: NameRequest, reply: FastifyReply, name: string, state: PageState): Promise<unknown> | undefined {
    // §13.2.1: a missing page is 404 whatever the preconditions say (never 304 or 412).
    if (!state.exists) throw new HttpProblem('page-not-found', `There is no page named "${name}".`);
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

  async function putPage(request: NameRequest, reply: FastifyReply) {
    const name = parsePageName(request.params.name);
    const content = typeof request.body === 'string' ? request.body : '';
    const by = writer(request);
    const info = { summary: parseEditSummary(request.headers['edit-summary']), author: by.author, unlessProtected: by.unlessProtected, writer: `${by.author}@${request.ip}` };
    const indexed = lazyIndexedText(work, content);
    const write = async (state: PageState) => store.put(name, content, state.revision, withSearchText(info, await indexed()));
    const { before, after } = await conditionalWrite(store, name, 'PUT', request.headers, write, {
      onRefused: (problem, state) => withMergeProposal(store, work, name, problem, state, request.headers['if-match'], content),
      protectedRefusal: by.protectedRefusal,
    });
    reply.header('etag', after.etag!);
    // Like a read's (representation.ts): no Last-Modified while another revision shares its second.
    if (!after.lastModifiedIsWeak) reply.header('last-modified', formatHttpDate(after.lastModified));
    if (!before.exists) reply.code(201).header('location', pageUrl(name));
    return reply.type('application/json; charset=utf-8').send(writtenBody(after));
  }

  async function deletePage(request: NameRequest, reply: FastifyReply) {
    const name = parsePageName(request.params.name);
    const by = writer(request);
    const info = { summary: parseEditSummary(request.headers['edit-summary']), author: by.author, unlessProtected: by.unlessProtected, writer: `${by.author}@${request.ip}` };
    await conditionalWrite(store, name, 'DELETE', request.headers, (state) => store.delete(name, state.revision, info), { protectedRefusal: by.protectedRefusal });
    return reply.code(204).send();
  }

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
      handler: readPage,
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
      handler: readPage,
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
      // Checked before parsing, so a JSON or form body gets 415 rather than a parse error.
      onRequest: async (request: FastifyRequest) => {
        if (!isPageMediaType(request.headers['content-type'])) {
          throw new HttpProblem('unsupported-media-type', 'A page body must be text/markdown or text/plain in UTF-8.');
        }
        refuseUnconditionalWrite(request.headers);
      },
      handler: putPage,
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
      handler: deletePage,
    },
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
