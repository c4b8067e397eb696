// GET /api/changes: every committed change in the store, newest first, a page at a time back
// to the very first, filterable by page and by author.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PageStore } from '../../storage/store.js';
import { type ChangeQuery, changeSelectionQuery, pageOfChanges, parseChangeSelection } from '../change-selection.js';
import { isoDate, jsonRepresentation } from '../json-representation.js';
import { sendRepresentation } from '../representation.js';
import type { ResourceTable } from '../resources.js';
import { conditionalHeaders, problemResponses } from '../schemas.js';

type ChangesRequest = FastifyRequest<{ Querystring: ChangeQuery & { limit: number } }>;

const changesQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    before: {
      type: 'integer',
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      description: 'Only changes older than this sequence (the `next` of the previous response)',
    },
    page: { type: 'string', description: "Only this page's changes" },
    author: { type: 'string', description: "Only this author's changes" },
  },
  additionalProperties: false,
} as const;

export function registerChangeRoutes(app: FastifyInstance, { store, resources }: { store: PageStore; resources: ResourceTable }): void {
  async function listChanges(request: ChangesRequest, reply: FastifyReply) {
    const { limit, ...query } = request.query;
    const selection = parseChangeSelection(query);
    const { changes, older } = await pageOfChanges((options) => store.recentChanges(options), selection, limit);
    if (older !== undefined) {
      reply.header('link', `</api/changes${changeSelectionQuery({ ...selection, before: older })}&limit=${limit}>; rel="next"`);
    }
    const body = {
      changes: changes.map((c) => ({
        sequence: c.sequence,
        name: c.name,
        revision: c.revision,
        etag: c.etag,
        deleted: c.deleted,
        summary: c.summary,
        author: c.author,
        lastModified: isoDate(c.lastModified),
      })),
      next: older ?? null,
    };
    // The ETag is a hash of the bytes, so it changes exactly when the list does.
    return sendRepresentation(request, reply, jsonRepresentation(body));
  }

  resources.add(app, '/api/changes', {
    GET: {
      options: {
        schema: {
          tags: ['revisions'],
          summary: 'Every change in the wiki, newest first, paginated back to the first; by page and by author',
          operationId: 'listChanges',
          querystring: changesQuery,
          documentedHeaders: conditionalHeaders,
          response: {
            200: {
              description: 'A page of changes',
              type: 'object',
              properties: {
                changes: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      sequence: { type: 'integer' },
                      name: { type: 'string' },
                      revision: { type: 'integer' },
                      etag: { type: ['string', 'null'] },
                      deleted: { type: 'boolean' },
                      summary: { type: 'string' },
                      author: { type: 'string' },
                      lastModified: { type: 'string', format: 'date-time' },
                    },
                  },
                },
                next: { type: ['integer', 'null'] },
              },
            },
            304: { description: 'Not modified', type: 'null' },
            ...problemResponses(400),
          },
        },
      },
      handler: listChanges,
    },
    HEAD: { options: { schema: { hide: true, querystring: changesQuery } }, handler: listChanges },
  });
}
