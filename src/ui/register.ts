// The browser wiki: server-rendered pages under / and /wiki/ and their static files. (The page
// event stream the editor listens to is the API's: src/http/routes/page-events.ts.)
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Auth } from '../auth/plugin.js';
import type { Writer } from '../http/conditional-write.js';
import type { ResourceTable } from '../http/resources.js';
import type { PageStore } from '../storage/store.js';
import { assets } from './assets.js';
import { CollisionTables } from './collision.js';
import type { Pages } from '../pages/index.js';
import { HtmlPages, htmlErrorHandler } from './html-response.js';
import { PageNeighbours } from './page-neighbours.js';
import { RevisionRenderer } from './page-render.js';
import { registerAccountRoutes } from './routes/account-routes.js';
import { registerFeedRoutes } from './routes/feed-routes.js';
import { registerAdminRoutes } from './routes/admin-routes.js';
import { registerHistoryRoutes } from './routes/history-routes.js';
import { registerBacklinkRoutes } from './routes/backlink-routes.js';
import { registerOrganiseRoutes } from './routes/organise-routes.js';
import { registerPageViewRoutes } from './routes/page-routes.js';
import { registerPreviewRoutes } from './routes/preview-routes.js';
import { registerProtectionRoutes } from './routes/protection-routes.js';
import { registerSiteRoutes } from './routes/site-routes.js';
import type { PageSearch } from './search.js';
import type { WikiWork } from './wiki-tasks.js';
import { ProtectedPages } from './protected-pages.js';
import { installViewerPolicy } from './viewer.js';

export interface WikiContext {
  readonly store: PageStore;
  readonly resources: ResourceTable;
  readonly writer: (request: FastifyRequest) => Writer;
  /** Full-text search; the store's own when absent (tests pass a stand-in). */
  readonly search?: PageSearch;
  /** Sign-in, accounts and page protection; without it nobody signs in. */
  readonly auth?: Auth;
  /** Worker threads for rendering and diffs (src/app.ts makes the one pool of the server). */
  readonly work: WikiWork;
  /** The domain every save goes through. */
  readonly pages: Pages;
  /** Bytes of rendered HTML pages and of rendered revisions kept (default 64 MiB each). */
  readonly cacheSizes?: WikiCacheSizes;
}

export interface WikiCacheSizes {
  readonly htmlBytes: number;
  readonly renderedBytes: number;
}

export async function registerWikiRoutes(app: FastifyInstance, context: WikiContext): Promise<void> {
  assets(); // read the static files now, so a missing one fails the start rather than a request

  const maxPageBytes = app.initialConfig.bodyLimit ?? 1024 * 1024;
  const { work, pages } = context;
  const protectedPages = new ProtectedPages(context.auth?.accounts);
  await protectedPages.refresh();
  installViewerPolicy(app, { mode: context.auth?.mode ?? 'open', accounts: context.auth?.accounts !== undefined, protectedPages });
  // Its own context: the form parser and the HTML error pages apply to the wiki's routes only.
  await app.register(async (wiki) => {
    await wiki.register(formbody, { bodyLimit: maxPageBytes * 8 });
    wiki.setErrorHandler(htmlErrorHandler);
    const sizes = context.cacheSizes ?? { htmlBytes: 64 * 1024 * 1024, renderedBytes: 64 * 1024 * 1024 };
    new HtmlPages(sizes.htmlBytes).install(wiki);
    const renderer = new RevisionRenderer(context.store, work, sizes.renderedBytes);
    const neighbours = new PageNeighbours(context.store);
    wiki.addHook('onClose', async () => {
      renderer.close();
      neighbours.close();
    });
    const routes = {
      store: context.store,
      resources: context.resources,
      writer: context.writer,
      renderer,
      neighbours,
      work,
      pages,
      collisions: { pages, tables: new CollisionTables(work) },
      search: context.search ?? context.store,
      maxPageBytes,
    };
    registerSiteRoutes(wiki, routes);
    registerPageViewRoutes(wiki, routes);
    registerHistoryRoutes(wiki, routes);
    registerOrganiseRoutes(wiki, routes);
    registerBacklinkRoutes(wiki, routes);
    registerFeedRoutes(wiki, routes);
    registerPreviewRoutes(wiki, routes);
    const accounts = context.auth?.accounts;
    if (context.auth && accounts) {
      registerAccountRoutes(wiki, { auth: context.auth, resources: context.resources });
      registerProtectionRoutes(wiki, { accounts: protectedPages.watching(accounts), resources: context.resources });
      registerAdminRoutes(wiki, { accounts, resources: context.resources });
    }
  });
}
