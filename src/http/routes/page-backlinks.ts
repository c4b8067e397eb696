// GET /api/pages/{name}/backlinks: the pages whose text links to this one, directly or through
// the redirect a move left (`via`), read from the links table the write path keeps. It answers
// for a page that does not exist too: red links point there.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parsePageName } from '../../pages/page-name.js';
import type { PageStore } from '../../storage/store.js';
import { HttpProblem } from '../errors.js';
import { jsonRepresentation } from '../json-representation.js';
import { sendRepresentation } from '../representation.js';
import type { ResourceTable } from '../resources.js';
import { conditionalHeaders, problemResponses } from '../schemas.js';

type BacklinksRequest = FastifyRequest<{ Params: { name: string }; Querystring: { limit: number; after?: string } }>;

const LIMIT = { type: 'integer', minimum: 1, maximum: 1000, default: 100 } as const;

export function registerBacklinkRoutes(app: FastifyInstance, { store, resources }: { store: PageStore; resources: ResourceTable }): void {
  async function listBacklinks(request: BacklinksRequest, reply: FastifyReply) {
    const name = parsePageName(request.params.name);
    const { limit, after } = request.query;
    if (after !== undefined && after.length > 1024) throw new HttpProblem('bad-request', '`after` is a page name: at most 255 characters.');
    const found = await store.backlinks(name, { limit: limit + 1, ...(after === undefined ? {} : { after }) });
    const backlinks = found.slice(0, limit);
    const next = found.length > limit ? backlinks[backlinks.length - 1]!.name : null;
    return sendRepresentation(request, reply, jsonRepresentation({ name, backlinks, next }));
  }

  const querystring = { type: 'object', properties: { limit: LIMIT, after: { type: 'string', description: 'The `next` value of the previous response' } }, additionalProperties: false } as const;
  resources.add(app, '/api/pages/:name/backlinks', {
    GET: {
      options: {
        schema: {
          tags: ['pages'],
          summary: 'Pages that link here ("What links here"), with an ETag; also for a page that does not exist',
          operationId: 'listBacklinks',
          documentedParams: { type: 'object', properties: { name: { type: 'string', description: 'Page name, percent-encoded ("/" as %2F)' } }, required: ['name'] },
          querystring,
          documentedHeaders: conditionalHeaders,
          response: {
            200: {
              description: 'The pages linking here, in name order; `via` names the redirect a link goes through',
              type: 'object',
              properties: {
                name: { type: 'string' },
                backlinks: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, via: { type: 'string' } }, required: ['name'] } },
                next: { type: ['string', 'null'] },
              },
            },
            304: { description: 'Not modified', type: 'null' },
            ...problemResponses(400),
          },
        },
      },
      handler: listBacklinks,
    },
    HEAD: { options: { schema: { hide: true, querystring } }, handler: listBacklinks },
  });
}
