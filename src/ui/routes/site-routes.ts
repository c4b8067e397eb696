// The wiki's own pages: home (recent changes), the list of pages, search and static files.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ChangeQuery, pageOfChanges, parseChangeSelection } from '../../http/change-selection.js';
import { HttpProblem } from '../../http/errors.js';
import { parsePageName } from '../../pages/page-name.js';
import { sendRepresentation } from '../../http/representation.js';
import { assets } from '../assets.js';
import { wikiPath } from '../format.js';
import { sendHtml } from '../html-response.js';
import { MAX_SEARCH_PAGES, SearchResults } from '../search.js';
import { wikiLinkTarget } from '../wiki-links.js';
import { homeView, pageIndexView } from '../views/home-view.js';
import { searchView } from '../views/search-view.js';
import type { WikiRouteContext } from './context.js';

const RECENT = 50;
const INDEX_PAGE = 200;
const MAX_QUERY = 200;

export function registerSiteRoutes(app: FastifyInstance, { store, resources, search }: WikiRouteContext): void {
  async function home(request: FastifyRequest<{ Querystring: ChangeQuery }>, reply: FastifyReply) {
    const selection = parseChangeSelection(request.query);
    const { changes, older } = await pageOfChanges((options) => store.recentChanges(options), selection, RECENT);
    // Keyed by what the page is made of: the selection, and the changes, each immutable and
    // so named by its sequence.
    const key = `home\0${JSON.stringify(selection)}\0${older ?? ''}\0${changes.map((change) => change.sequence).join(',')}`;
    return sendHtml(request, reply, key, () => homeView({ changes, selection, older }));
  }

  async function pageIndex(request: FastifyRequest<{ Querystring: { name?: string; after?: string } }>, reply: FastifyReply) {
    const { name, after } = request.query;
    if (name !== undefined) {
      // The "open or create a page" form.
      return reply.code(303).header('location', wikiPath.page(parsePageName(name.trim()))).send();
    }
    const { pages, more } = await store.list({ limit: INDEX_PAGE, ...(after === undefined ? {} : { after }) });
    const next = more ? pages[pages.length - 1]?.name : undefined;
    const key = `index\0${after ?? ''}\0${next ?? ''}\0${pages.map((page) => `${page.name}\0${page.revision}`).join('\0')}`;
    return sendHtml(request, reply, key, () => pageIndexView(pages, next));
  }

  const results = new SearchResults(search, store);
  app.addHook('onClose', async () => results.close());

  async function searchPage(request: FastifyRequest<{ Querystring: { q?: string; page?: string } }>, reply: FastifyReply) {
    const query = (request.query.q ?? '').trim().slice(0, MAX_QUERY);
    const page = resultPage(request.query.page);
    const validName = wikiLinkTarget(query) !== undefined;
    const found = await results.find(query, page);
    return sendHtml(request, reply, `search\0${query}\0${page}\0${found.more}\0${JSON.stringify(found.hits)}`, () => searchView(query, found, validName));
  }

  async function staticFile(request: FastifyRequest, reply: FastifyReply) {
    const asset = assets().byPath(request.url.split('?')[0]!);
    if (!asset) throw new HttpProblem('not-found', 'There is no such static file (static names change with their content).');
    return sendRepresentation(request, reply, {
      etag: asset.etag,
      contentType: asset.contentType,
      cacheControl: 'public, max-age=31536000, immutable',
      size: asset.body.length,
      load: async () => asset.body,
    });
  }

  const hide = { hide: true };
  const indexQuery = { type: 'object', properties: { name: { type: 'string' }, after: { type: 'string' } } } as const;
  const searchQuery = { type: 'object', properties: { q: { type: 'string' }, page: { type: 'string' } } } as const;
  const homeQuery = {
    type: 'object',
    properties: { before: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER }, page: { type: 'string' }, author: { type: 'string' } },
  } as const;
  resources.add(app, '/', {
    GET: { options: { schema: { ...hide, querystring: homeQuery } }, handler: home },
    HEAD: { options: { schema: { ...hide, querystring: homeQuery } }, handler: home },
  });
  resources.add(app, '/wiki', {
    GET: { options: { schema: { ...hide, querystring: indexQuery } }, handler: pageIndex },
    HEAD: { options: { schema: { ...hide, querystring: indexQuery } }, handler: pageIndex },
  });
  resources.add(app, '/search', {
    GET: { options: { schema: { ...hide, querystring: searchQuery } }, handler: searchPage },
    HEAD: { options: { schema: { ...hide, querystring: searchQuery } }, handler: searchPage },
  });
  resources.add(app, '/static/:file', {
    GET: { options: { schema: hide }, handler: staticFile },
    HEAD: { options: { schema: hide }, handler: staticFile },
  });
}

/** The `page` of /search: a whole number from 1 to MAX_SEARCH_PAGES; 1 when absent. */
function resultPage(value: string | undefined): number {
  if (value === undefined) return 1;
  const page = /^[1-9][0-9]{0,5}$/.test(value) ? Number(value) : 0;
  if (page < 1 || page > MAX_SEARCH_PAGES) throw new HttpProblem('bad-request', `The page of search results must be a whole number from 1 to ${MAX_SEARCH_PAGES}.`);
  return page;
}
