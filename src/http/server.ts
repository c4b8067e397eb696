// The only place that builds Fastify: its options, error handling, and the API's routes.
// src/app.ts assembles the whole server (auth and the wiki included) from these.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { pino } from 'pino';
import swagger from '@fastify/swagger';
import type { TrustProxySetting } from '../config.js';
import type { PageStore } from '../storage/store.js';
import { registerTextParsers } from './body-parsers.js';
import { answerClientError } from './client-errors.js';
import { HttpProblem } from './errors.js';
import { HostPolicy, type HostSettings, installHostCheck } from './host-check.js';
import { jsonRepresentation } from './json-representation.js';
import { swaggerOptions } from './openapi.js';
import { sendProblem, toProblem } from './problem-response.js';
import { installRequestIntake } from './request-intake.js';
import { unroutedPath } from './page-paths.js';
import { sendRepresentation } from './representation.js';
import { ResponseCaches } from './response-caches.js';
import { ResourceTable, methodNotAllowed } from './resources.js';
import { registerChangeRoutes } from './routes/changes.js';
import { registerPageListRoutes } from './routes/page-list.js';
import { registerPageRoutes } from './routes/pages.js';
import { registerRevisionRoutes } from './routes/revisions.js';
import { registerBacklinkRoutes } from './routes/page-backlinks.js';
import type { Pages } from '../pages/index.js';
import { type EditorIdentity, registerPageEventRoutes } from './routes/page-events.js';
import type { Writer } from './conditional-write.js';
import type { FastifyRequest, preValidationHookHandler } from 'fastify';
import type { StreamLimits } from './stream-quota.js';
import type { ServerMetrics } from './metrics.js';
import { registerProbes } from './probes.js';

export interface HttpOptions {
  readonly logLevel?: string;
  /** Largest request body in bytes. */
  readonly bodyLimit?: number;
  /** Ms a client has to send a whole request before it gets 408. */
  readonly requestTimeout?: number;
  /** Which proxies' X-Forwarded-* headers to believe. */
  readonly trustProxy?: TrustProxySetting;
  /** The listen address and PUBLIC_URL: which Host names are ours (default: loopback names only). */
  readonly hosts?: HostSettings;
  /** Prometheus metrics of this instance (http/metrics.ts); none when absent. */
  readonly metrics?: ServerMetrics;
  /** Bodies, coded variants and tags this server keeps (default: 64 MiB each of bodies and coded bodies). */
  readonly responseCaches?: ResponseCaches;
  /** The URL the router sees for a request's (src/app.ts gives the wiki's, ui/wiki-url.ts). */
  readonly routedUrl?: (url: string) => string;
}

/** A hop count becomes "trust the nearest N proxies". */
function trustProxyOption(setting: TrustProxySetting): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return typeof setting === 'boolean' ? setting : [...setting];
}

function rewriteWith(routedUrl: (url: string) => string) {
  return (request: IncomingMessage) => routedUrl(request.url ?? '/');
}

/** Fastify with midair's limits, request intake, host check and problem+json errors; no routes yet. */
export function createHttpServer(options: HttpOptions): FastifyInstance {
  const verbose = ['debug', 'trace'].includes(options.logLevel ?? 'info');
  const requestTimeout = options.requestTimeout ?? 30_000;
  // Written synchronously: midair logs little below debug, and a line logged just before a
  // crash, or before the "listening" line, must not be lost or come after it.
  const log: FastifyBaseLogger = pino({ level: options.logLevel ?? 'info' }, pino.destination({ dest: 1, sync: true }));
  const app = Fastify({
    // Fastify's own logging is per request: a child logger, validated, and two listeners on
    // every response, about 4% of a 304 even when nothing is logged. Only at debug and trace,
    // where its access log is wanted, does Fastify get the logger.
    ...(verbose ? { loggerInstance: log } : { logger: false }),
    logController: new LogController({ disableRequestLogging: !verbose }),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    requestTimeout,
    http: {
      // Headers must arrive within 10 s (a slowloris client holds no connection for long), and
      // Node looks for overdue requests every second rather than every 30.
      headersTimeout: Math.min(requestTimeout, 10_000),
      connectionsCheckingInterval: Math.min(1000, requestTimeout),
    },
    clientErrorHandler: answerClientError,
    ...(options.trustProxy ? { trustProxy: trustProxyOption(options.trustProxy) } : {}),
    exposeHeadRoutes: false,
    ...(options.routedUrl ? { rewriteUrl: rewriteWith(options.routedUrl) } : {}),
    // A 255-character name, percent-encoded, is up to 255 × 4 bytes × 3 characters long.
    routerOptions: { maxParamLength: 4096 },
    // Bad percent-encoding in the URL gets the same problem+json as every other error.
    frameworkErrors: (error, request, reply) => {
      sendProblem(reply, new HttpProblem('bad-request', error.message), request.url);
    },
  });

  // RFC 4918 §9.9: pages move (routes/page-moves.ts); known before any route, so every other resource answers it 405.
  app.addHttpMethod('MOVE');

  (options.responseCaches ?? new ResponseCaches()).install(app);
  // Without a Fastify logger app.log logs nothing; midair's own warnings and errors still go to its logger.
  if (!verbose) app.log = log;
  // DNS rebinding: a Host that is not ours gets 421 before auth, routing or the body (host-check.ts).
  const hosts = new HostPolicy(options.hosts ?? { listenHost: '127.0.0.1', publicOrigins: [] });
  const checkedAtIntake = installHostCheck(app, hosts, Boolean(options.trustProxy));
  // RFC 9112 §9.3.2 pipelining, repeated date fields, Expect: 100-continue (request-intake.ts).
  installRequestIntake(app.server, checkedAtIntake);

  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) app.log.error({ err: error, method: request.method, url: request.url }, 'request failed');
    return sendProblem(reply, problem, request.url);
  });

  options.metrics?.install(app);
  return app;
}

/** A URL no route matches: 405 with Allow when another method has a route there, else 404; `authGuard` runs first. */
export function answerUnrouted(app: FastifyInstance, resources: ResourceTable, authGuard: preValidationHookHandler): void {
  app.setNotFoundHandler({ preValidation: authGuard }, (request, reply) => {
    const path = request.url.split('?')[0]!;
    const allow = resources.allowFor(path);
    const problem = allow ? methodNotAllowed(request.method, allow) : unroutedPath(path);
    return sendProblem(reply, problem, request.url);
  });
}

export interface ApiContext {
  readonly store: PageStore;
  readonly resources: ResourceTable;
  readonly writer: (request: FastifyRequest) => Writer;
  readonly pages: Pages;
  /** Caps on open event streams, per page and per client address. */
  readonly streamLimits?: StreamLimits;
  /** Who an editor on a page's event stream is (auth knows); anonymous when absent. */
  readonly editorIdentity?: EditorIdentity;
}

/** /api/*: pages, lists, revisions, changes, page events, probes and the OpenAPI document. */
export async function registerApi(app: FastifyInstance, context: ApiContext): Promise<void> {
  registerTextParsers(app);
  await app.register(swagger, swaggerOptions());
  registerPageListRoutes(app, context);
  registerPageRoutes(app, context);
  registerRevisionRoutes(app, context);
  registerBacklinkRoutes(app, context);
  registerChangeRoutes(app, context);
  registerProbes(app, context.store);
  registerPageEventRoutes(app, {
    store: context.store,
    resources: context.resources,
    ...(context.streamLimits === undefined ? {} : { limits: context.streamLimits }),
    ...(context.editorIdentity === undefined ? {} : { editorIdentity: context.editorIdentity }),
  });

  let openapi: ReturnType<typeof jsonRepresentation> | undefined;
  context.resources.add(app, '/api/openapi.json', {
    GET: {
      options: { schema: { hide: true } },
      handler: async (request, reply) => {
        openapi ??= jsonRepresentation(app.swagger());
        return sendRepresentation(request, reply, openapi);
      },
    },
  });
}
