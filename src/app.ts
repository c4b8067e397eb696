// The app, assembled: settings -> store -> work pool -> pages -> http + auth + ui. Each layer
// gets what it needs from here, so none imports a layer above it (test/layering.test.ts).
import type { FastifyInstance } from 'fastify';
import { type AuthOptions, installAuth } from './auth/plugin.js';
import { editorIdentity } from './auth/principal.js';
import { ResourceTable } from './http/resources.js';
import { answerUnrouted, createHttpServer, type HttpOptions, registerApi } from './http/server.js';
import type { StreamLimits } from './http/stream-quota.js';
import { Pages } from './pages/index.js';
import type { PageStore } from './storage/store.js';
import { registerWikiRoutes } from './ui/register.js';
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
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = createHttpServer(options);
  const resources = new ResourceTable();
  // Before every route: authentication and authorisation run ahead of any handler.
  const auth = await installAuth(app, options.auth ?? { mode: 'open' });
  // The auth guard runs on each route before it reads the request (auth/guards.ts), and here on a URL no route matches.
  answerUnrouted(app, resources, auth.guardUnrouted);

  const work = new WorkPool(TASK_WORKER, options.work ?? { threads: 1, timeBudgetMs: 3000 });
  app.addHook('onClose', () => work.close());
  const pages = new Pages(options.store, work);
  const context = { store: options.store, resources, writer: auth.writer, work, pages };
  await registerApi(app, { ...context, editorIdentity, ...(options.streamLimits ? { streamLimits: options.streamLimits } : {}) });
  await registerWikiRoutes(app, { ...context, auth });
  return app;
}
