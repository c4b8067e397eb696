// The app, assembled: settings -> caches -> store -> work pool -> pages -> http + auth + ui. Each layer
// gets what it needs from here, so none imports a layer above it (test/layering.test.ts).
import type { FastifyInstance } from 'fastify';
import { type AuthOptions, installAuth } from './auth/plugin.js';
import { editorIdentity } from './auth/principal.js';
import { ResourceTable } from './http/resources.js';
import { ResponseCaches, type ResponseCacheSizes } from './http/response-caches.js';
import { answerUnrouted, createHttpServer, type HttpOptions, registerApi } from './http/server.js';
import type { StreamLimits } from './http/stream-quota.js';
import { Files, type FilesOptions } from './files/index.js';
import { registerFileApi } from './http/routes/files-api.js';
import { Pages } from './pages/index.js';
import type { FileStore } from './storage/files.js';
import type { PageStore } from './storage/store.js';
import { registerWikiRoutes, type WikiCacheSizes } from './ui/register.js';
import { routedWikiUrl } from './ui/wiki-url.js';
import { compressInPool } from './work/compression.js';
import { WorkPool, type WorkPoolOptions } from './work/pool.js';
import { TASK_WORKER } from './worker-tasks.js';

export interface ServerOptions extends HttpOptions {
  readonly store: PageStore;
  /** Access mode, account store and the limits of sign-in (default: open, nobody signs in). */
  readonly auth?: AuthOptions;
  /** The worker threads for rendering, diffs and merges (default: one, 3 s per task). */
  readonly work?: WorkPoolOptions;
  /** Caps on open event streams, per page and per client address. */
  readonly streamLimits?: StreamLimits;
  /** Bytes the response caches hold together, in four equal shares (default 256 MiB; see cacheShares). */
  readonly cacheSize?: number;
  /** Uploads (/api/files), with their size limit and quota; no file routes without a store. */
  readonly files?: { readonly store: FileStore } & FilesOptions;
}

export const DEFAULT_CACHE_SIZE = 256 * 1024 * 1024;

/**
 * The four caches of a server, each a quarter of the total: identity bodies and their coded
 * variants (http/response-caches.ts), rendered HTML pages (ui/html-response.ts) and rendered
 * revisions (ui/page-render.ts). Smaller caches (link states, search results, diff tables,
 * merges) are counted in entries and not part of it.
 */
export function cacheShares(total: number): ResponseCacheSizes & WikiCacheSizes {
  const share = Math.floor(total / 4);
  return { identityBytes: share, codedBytes: share, htmlBytes: share, renderedBytes: share };
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const sizes = cacheShares(options.cacheSize ?? DEFAULT_CACHE_SIZE);
  const work = new WorkPool(TASK_WORKER, options.work ?? { threads: 1, timeBudgetMs: 3000 });
  // Large bodies are compressed in the work pool, whose threads yield the CPU to the event loop.
  const responseCaches = new ResponseCaches(sizes, (body, coding) => compressInPool(work, body, coding));
  // The wiki's subpage URLs (/wiki/Team/Onboarding/edit) reach the routes of one-segment names.
  const app = createHttpServer({ ...options, responseCaches, routedUrl: routedWikiUrl });
  app.addHook('onClose', () => work.close());
  const resources = new ResourceTable();
  // Before every route: authentication and authorisation run ahead of any handler.
  const auth = await installAuth(app, options.auth ?? { mode: 'open' });
  // The auth guard runs on each route before it reads the request (auth/guards.ts), and here on a URL no route matches.
  answerUnrouted(app, resources, auth.guardUnrouted);

  const pages = new Pages(options.store, work);
  const context = { store: options.store, resources, writer: auth.writer, work, pages };
  await registerApi(app, { ...context, editorIdentity, ...(options.streamLimits ? { streamLimits: options.streamLimits } : {}) });
  if (options.files) {
    const { store, ...limits } = options.files;
    await registerFileApi(app, { files: new Files(store, limits), resources, writer: auth.writer });
  }
  await registerWikiRoutes(app, { ...context, auth, cacheSizes: sizes });
  return app;
}
