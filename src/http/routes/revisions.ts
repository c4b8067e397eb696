// The history of a page: its revisions, newest first, and each revision's source.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PageStore } from '../../storage/store.js';
import { HttpProblem } from '../errors.js';
import { isoDate, jsonRepresentation } from '../json-representation.js';
import { parsePageName } from '../../pages/page-name.js';
import { sendRepresentation } from '../representation.js';
import type { ResourceTable } from '../resources.js';
import { conditionalHeaders, nameParams, problemResponses } from '../schemas.js';

type HistoryRequest = FastifyRequest<{ Params: { name: string }; Querystring: { limit: number; before?: number } }>;
type RevisionRequest = FastifyRequest<{ Params: { name: string; n: number } }>;

export function registerRevisionRoutes(app: FastifyInstance, { store, resources }: { store: PageStore; resources: ResourceTable }): void {
  async function listRevisions(request: HistoryRequest, reply: FastifyReply) {
    const name = parsePageName(request.params.name);
    const { limit, before } = request.query;
    const state = await store.head(name);
    if (state.revision === 0) throw new HttpProblem('page-not-found', `There is no page named "${name}", nor was there ever.`);
    const revisions = await store.history(name, { limit, ...(before === undefined ? {} : { before }) });
    const last = revisions[revisions.length - 1];
    const next = last && last.revision > 1 ? last.revision : null;
    const body = {
      name,
      revisions: revisions.map((r) => ({
        revision: r.revision,
        etag: r.etag,
        lastModified: isoDate(r.lastModified),
        size: r.size,
        summary: r.summary,
        author: r.author,
        deleted: r.deleted,
      })),
      next,
    };
    return sendRepresentation(request, reply, jsonRepresentation(body));
  }

  async function readRevision(request: RevisionRequest, reply: FastifyReply) {
    const name = parsePageName(request.params.name);
    const n = request.params.n;
    const info = await store.revision(name, n);
    if (!info) throw new HttpProblem('revision-not-found', `Page "${name}" has no revision ${n}.`);
    if (info.deleted) throw new HttpProblem('revision-not-found', `Revision ${n} of "${name}" is its deletion; it has no content.`);
    // A revision never changes, so caches may keep it for good.
    return sendRepresentation(request, reply, {
      etag: info.etag!,
      lastModified: info.lastModified,
      lastModifiedIsWeak: info.lastModifiedIsWeak,
      contentType: 'text/markdown; charset=utf-8',
      cacheControl: 'public, max-age=31536000, immutable',
      size: info.size,
      load: async () => (await store.content(name, n)) ?? '',
    });
  }

  const tags = ['revisions'];
  const historyQuery = {
    type: 'object',
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
      before: { type: 'integer', minimum: 1, description: 'Only revisions older than this one (the `next` of the previous response)' },
    },
    additionalProperties: false,
  } as const;
  const historySchema = {
    description: 'A page of the history',
    type: 'object',
    properties: {
      name: { type: 'string' },
      revisions: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            revision: { type: 'integer' },
            etag: { type: ['string', 'null'], description: 'The ETag the page had at this revision; null for a deletion' },
            lastModified: { type: 'string', format: 'date-time' },
            size: { type: 'integer' },
            summary: { type: 'string' },
            author: { type: 'string' },
            deleted: { type: 'boolean' },
          },
          required: ['revision', 'etag', 'lastModified', 'size', 'summary', 'author', 'deleted'],
        },
      },
      next: { type: ['integer', 'null'], description: 'The `before` of the next (older) page of revisions; null at the first' },
    },
    required: ['name', 'revisions', 'next'],
  } as const;
  resources.add(app, '/api/pages/:name/revisions', {
    GET: {
      options: {
        schema: {
          tags,
          summary: "A page's revisions, newest first, deletions included",
          operationId: 'listRevisions',
          params: nameParams,
          querystring: historyQuery,
          documentedHeaders: conditionalHeaders,
          response: { 200: historySchema, 304: { description: 'Not modified', type: 'null' }, ...problemResponses(400, 404) },
        },
      },
      handler: listRevisions,
    },
    HEAD: { options: { schema: { hide: true, params: nameParams, querystring: historyQuery } }, handler: listRevisions },
  });

  const revisionParams = {
    type: 'object',
    properties: { ...nameParams.properties, n: { type: 'integer', minimum: 1, description: 'Revision number' } },
    required: ['name', 'n'],
  } as const;
  resources.add(app, '/api/pages/:name/revisions/:n', {
    GET: {
      options: {
        schema: {
          tags,
          summary: 'The source of one revision, with the ETag the page had while it was current',
          operationId: 'readRevision',
          params: revisionParams,
          documentedHeaders: conditionalHeaders,
          response: {
            200: { description: 'The revision source', content: { 'text/markdown': { schema: { type: 'string' } } } },
            304: { description: 'Not modified', type: 'null' },
            ...problemResponses(400, 404),
          },
        },
      },
      handler: readRevision,
    },
    HEAD: { options: { schema: { hide: true, params: revisionParams } }, handler: readRevision },
  });
}
