// /wiki/{name}/backlinks: "What links here", from the links table the write path keeps.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { parsePageName } from '../../pages/index.js';
import { sendHtml } from '../html-response.js';
import { backlinksView } from '../views/neighbour-views.js';
import { type NameRequest, nameParams, type WikiRouteContext } from './context.js';

const BACKLINKS_PAGE = 200;

/** GET /wiki/{name}/backlinks[?after=Name]: 200 at a time, in name order. */
export async function listBacklinks({ store }: WikiRouteContext, request: NameRequest<{ after?: string }>, reply: FastifyReply) {
  const name = parsePageName(request.params.name);
  const after = request.query.after;
  const rows = await store.backlinks(name, { limit: BACKLINKS_PAGE + 1, ...(after === undefined ? {} : { after }) });
  const shown = rows.slice(0, BACKLINKS_PAGE);
  const next = rows.length > BACKLINKS_PAGE ? shown[shown.length - 1]?.name : undefined;
  // Keyed by what it lists: a link made or dropped anywhere changes the key.
  const key = `backlinks\0${name}\0${after ?? ''}\0${JSON.stringify(rows)}`;
  return sendHtml(request, reply, key, () => backlinksView(name, shown, next));
}

export function registerBacklinkRoutes(app: FastifyInstance, context: WikiRouteContext): void {
  const schema = { hide: true, params: nameParams, querystring: { type: 'object', properties: { after: { type: 'string' } } } };
  const list = (request: NameRequest<{ after?: string }>, reply: FastifyReply) => listBacklinks(context, request, reply);
  context.resources.add(app, '/wiki/:name/backlinks', {
    GET: { options: { schema }, handler: list },
    HEAD: { options: { schema }, handler: list },
  });
}
