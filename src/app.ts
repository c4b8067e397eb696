// The app, assembled: settings -> store -> work pool -> pages -> http + auth + ui. Each layer
// gets what it needs from here, so none imports a layer above it (test/layering.test.ts).
import type { FastifyInstance } from 'fastify';
import { type AuthOptions, installAuth } from './auth/plugin.js';
import { editorIdentity } from './auth/principal.js';
import { ResourceTable } from './http/resources.js';
import { answerUnrouted, createHttpServer, type HttpOptions, registerApi } from './http/server.js';
import type { StreamLimits } from './http/stream-quota.js';
import { Files, type FilesOptions } from './files/index.js';
import { registerFileApi } from './http/routes/files-api.js';
import { Pages } from './pages/index.js';
import type { FileStore } from './storage/files.js';
import type { PageStore } from './storage/store.js';
import { registerWikiRoutes } from './ui/register.js';
import { WorkPool, type WorkPoolOptions } from './work/pool.js';

export interface ServerOptions extends HttpOptions {
  readonly store: PageStore;
  /** Access mode, account store and the limits of sign-in (default: open, nobody signs in). */
  readonly auth?: AuthOptions;
  /** The worker threads for rendering, diffs and merges (default: one, 3 s per task). */
  readonly work?: WorkPoolOptions;
  /** Caps on open event streams, per page and per client address. */
  readonly streamLimits?: StreamLimits;
  /** Uploads (/api/files), with their size limit and quota; no file routes without a store. */
  readonly files?: { readonly store: FileStore } & FilesOptions;
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = createHttpServer(options);
  const resources = new ResourceTable();
  // Before every route: authentication and authorisation run ahead of any handler.
  const auth = await installAuth(app, options.auth ?? { mode: 'open' });
  // Each route is guarded before it reads the request (auth/guards.ts); a URL no route matches is guarded here.
  answerUnrouted(app, resources, auth.guardUnrouted);

  const work = new WorkPool(options.work ?? { threads: 1, timeBudgetMs: 3000 });
  app.addHook('onClose', () => work.close());
  const pages = new Pages(options.store, work);
  const context = { store: options.store, resources, writer: auth.writer, work, pages };
  await registerApi(app, { ...context, editorIdentity, ...(options.streamLimits ? { streamLimits: options.streamLimits } : {}) });
  if (options.files) {
    const { store, ...limits } = options.files;
    await registerFileApi(app, { files: new Files(store, limits), resources, writer: auth.writer });
  }
  await registerWikiRoutes(app, { ...context, auth });
  return app;
}
