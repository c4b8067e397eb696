// GET /api/pages: the current pages, in name order, a page of results at a time.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PageStore } from '../../storage/store.js';
import { HttpProblem } from '../errors.js';
import { isoDate, jsonRepresentation } from '../json-representation.js';
import { sendRepresentation } from '../representation.js';
import type { ResourceTable } from '../resources.js';
import { conditionalHeaders, problemResponses } from '../schemas.js';

type ListRequest = FastifyRequest<{ Querystring: { limit: number; cursor?: string; prefix?: string; children?: boolean } }>;

const LIST_QUERY = {
  limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  cursor: { type: 'string', description: 'The `next` value of the previous response' },
  prefix: { type: 'string', maxLength: 1024, description: 'Only names starting with this: `Team/` lists the subpages of Team (at every depth)' },
  children: { type: 'boolean', description: 'Only the direct children: no further "/" after `prefix` (no prefix: the top-level pages)' },
} as const;

// The cursor is the last name of the previous page of results, opaque to clients.
function encodeCursor(name: string): string {
  return Buffer.from(name, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const name = Buffer.from(cursor, 'base64url').toString('utf8');
  if (encodeCursor(name) !== cursor) throw new HttpProblem('bad-request', 'The cursor is not one this server handed out.');
  return name;
}

export function registerPageListRoutes(app: FastifyInstance, { store, resources }: { store: PageStore; resources: ResourceTable }): void {
  async function listPages(request: ListRequest, reply: FastifyReply) {
    const { limit, cursor, prefix, children } = request.query;
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const scope = { ...(prefix === undefined ? {} : { prefix }), ...(children === undefined ? {} : { children }) };
    const { pages, more } = await store.list({ limit, ...(after === undefined ? {} : { after }), ...scope });
    const next = more && pages.length > 0 ? encodeCursor(pages[pages.length - 1]!.name) : null;
    const scoped = `${prefix === undefined ? '' : `&prefix=${encodeURIComponent(prefix)}`}${children === undefined ? '' : `&children=${children}`}`;
    if (next) reply.header('link', `</api/pages?limit=${limit}${scoped}&cursor=${next}>; rel="next"`);
    const body = {
      pages: pages.map((p) => ({ name: p.name, etag: p.etag, revision: p.revision, lastModified: isoDate(p.lastModified), size: p.size })),
      next,
    };
    return sendRepresentation(request, reply, jsonRepresentation(body));
  }

  resources.add(app, '/api/pages', {
    GET: {
      options: {
        schema: {
          tags: ['pages'],
          summary: 'List current pages in name order (paginated, with its own ETag); `prefix` and `children` list a page\'s subpages',
          operationId: 'listPages',
          querystring: {
            type: 'object',
            properties: LIST_QUERY,
            additionalProperties: false,
          },
          documentedHeaders: conditionalHeaders,
          response: {
            200: {
              description: 'A page of the list',
              type: 'object',
              properties: {
                pages: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      name: { type: 'string' },
                      etag: { type: 'string' },
                      revision: { type: 'integer' },
                      lastModified: { type: 'string', format: 'date-time' },
                      size: { type: 'integer' },
                    },
                  },
                },
                next: { type: ['string', 'null'] },
              },
            },
            304: { description: 'Not modified', type: 'null' },
            ...problemResponses(400),
          },
        },
      },
      handler: listPages,
    },
    HEAD: { options: { schema: { hide: true, querystring: { type: 'object', properties: LIST_QUERY } } }, handler: listPages },
  });
}
