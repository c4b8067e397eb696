// The browser wiki: server-rendered pages under / and /wiki/ and their static files. (The page
// event stream the editor listens to is the API's: src/http/routes/page-events.ts.)
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Auth } from '../auth/plugin.js';
import type { Writer } from '../http/conditional-write.js';
import type { ResourceTable } from '../http/resources.js';
import type { PageStore } from '../storage/store.js';
import { assets } from './assets.js';
import { WorkPool } from '../work/pool.js';
import { CollisionTables } from './collision.js';
import { Pages } from '../pages/index.js';
import { htmlErrorHandler } from './html-response.js';
import { RevisionRenderer } from './page-render.js';
import { registerAccountRoutes } from './routes/account-routes.js';
import { registerAdminRoutes } from './routes/admin-routes.js';
import { registerHistoryRoutes } from './routes/history-routes.js';
import { registerPageViewRoutes } from './routes/page-routes.js';
import { registerProtectionRoutes } from './routes/protection-routes.js';
import { registerSiteRoutes } from './routes/site-routes.js';
import { asPageSearch, type PageSearch } from './search.js';
import { ProtectedPages } from './protected-pages.js';
import { installViewerPolicy } from './viewer.js';

export interface WikiContext {
  readonly store: PageStore;
  readonly resources: ResourceTable;
  readonly writer: (request: FastifyRequest) => Writer;
  /** Full-text search; when absent, a store with a `search` method is used, else search is off. */
  readonly search?: PageSearch;
  /** Sign-in, accounts and page protection; without it nobody signs in. */
  readonly auth?: Auth;
  /** Worker threads for rendering, diffs and merges; without it the wiki makes its own. */
  readonly work?: WorkPool;
  /** The domain every save goes through; without it the wiki makes its own over `store` and `work`. */
  readonly pages?: Pages;
}

export async function registerWikiRoutes(app: FastifyInstance, context: WikiContext): Promise<void> {
  assets(); // read the static files now, so a missing one fails the start rather than a request

  const maxPageBytes = app.initialConfig.bodyLimit ?? 1024 * 1024;
  let work = context.work;
  if (!work) {
    const own = new WorkPool({ threads: 1, timeBudgetMs: 3000 });
    app.addHook('onClose', () => own.close());
    work = own;
  }
  const pages = context.pages ?? new Pages(context.store, work);
  const protectedPages = new ProtectedPages(context.auth?.accounts);
  await protectedPages.refresh();
  installViewerPolicy(app, { mode: context.auth?.mode ?? 'open', accounts: context.auth?.accounts !== undefined, protectedPages });
  // Its own context: the form parser and the HTML error pages apply to the wiki's routes only.
  await app.register(async (wiki) => {
    await wiki.register(formbody, { bodyLimit: maxPageBytes * 8 });
    wiki.setErrorHandler(htmlErrorHandler);
    const renderer = new RevisionRenderer(context.store, work);
    wiki.addHook('onClose', async () => renderer.close());
    const routes = {
      store: context.store,
      resources: context.resources,
      writer: context.writer,
      renderer,
      work,
      pages,
      collisions: { pages, tables: new CollisionTables(work) },
      search: context.search ?? asPageSearch(context.store),
      maxPageBytes,
    };
    registerSiteRoutes(wiki, routes);
    registerPageViewRoutes(wiki, routes);
    registerHistoryRoutes(wiki, routes);
    const accounts = context.auth?.accounts;
    if (context.auth && accounts) {
      registerAccountRoutes(wiki, { auth: context.auth, resources: context.resources });
      registerProtectionRoutes(wiki, { accounts: protectedPages.watching(accounts), resources: context.resources });
      registerAdminRoutes(wiki, { accounts, resources: context.resources });
    }
  });
}
