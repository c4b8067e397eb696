// Where the auth guard runs on each route. ("Guard" names only this check: who may do what. A
// write's precondition and a page's protection have their own names.) It must run before anything reads the request (its
// body, its page), so it is the route's first onRequest hook; or, on a GET or HEAD route with
// no hooks and no validation of its own, the start of the handler, which on such a route is
// the first code Fastify runs for the request (it reads no body for GET and HEAD): there the
// guard costs one call rather than a pass through Fastify's hook runner.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod, RouteOptions } from 'fastify';
import type { Access } from './access.js';
import { isSafeMethod, ROUTE_ACCESS, routeAccess } from './route-access.js';

export interface Gatekeeper {
  /** Hardens the response; true when the request needs no authentication to go on. */
  admitsAtOnce(request: FastifyRequest, reply: FastifyReply, access: Access, safe: boolean): boolean;
  /** Authenticates the request and decides whether it may go on; rejects with the refusal. */
  authorize(request: FastifyRequest, reply: FastifyReply, access: Access, safe: boolean): Promise<void>;
}

/** A callback hook: hardens the response, then authenticates and authorises the request. */
export type Guard = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => void;

type AccessOf = (method: string) => Access;

/** `true` when the request may go on at once, else the promise of the checks that decide. */
function check(keeper: Gatekeeper, accessOf: AccessOf, request: FastifyRequest, reply: FastifyReply): true | Promise<void> {
  const method = request.method;
  const safe = isSafeMethod(method);
  const access = accessOf(method);
  return keeper.admitsAtOnce(request, reply, access, safe) || keeper.authorize(request, reply, access, safe);
}

/** A callback hook, so that the commonest request (an anonymous read) costs no promise. */
export function guardHook(keeper: Gatekeeper, accessOf: AccessOf): Guard {
  return (request, reply, done) => {
    const checked = check(keeper, accessOf, request, reply);
    if (checked === true) done();
    else checked.then(() => done(), done);
  };
}

/** The handler, with the guard run at its start (a GET/HEAD route with nothing before its handler). */
function guardFirstInHandler(keeper: Gatekeeper, accessOf: AccessOf, handler: RouteHandlerMethod): RouteHandlerMethod {
  return function guardThenHandle(this: FastifyInstance, request, reply) {
    const checked = check(keeper, accessOf, request, reply);
    return checked === true ? handler.call(this, request, reply) : checked.then(() => handler.call(this, request, reply));
  };
}

const EARLIER_HOOKS = ['onRequest', 'preParsing', 'preValidation', 'preHandler'] as const;

/** Whether the handler is the first code of the route that Fastify runs for a request. */
function handlerRunsFirst(route: RouteOptions): boolean {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  if (!methods.every((method) => method === 'GET' || method === 'HEAD')) return false;
  if (EARLIER_HOOKS.some((hook) => [route[hook] ?? []].flat().length > 0)) return false;
  const schema = (route.schema ?? {}) as Record<string, unknown>;
  return ['querystring', 'query', 'params', 'headers', 'body'].every((part) => schema[part] === undefined);
}

/**
 * Guards every route declared from now on. A route should have its own rule in
 * route-access.ts; one without gets a safe default, and a warning.
 */
export function guardEveryRoute(app: FastifyInstance, keeper: Gatekeeper): void {
  app.addHook('onRoute', (route) => {
    if (!(route.url in ROUTE_ACCESS)) app.log.warn({ url: route.url }, 'route has no access rule in src/auth/route-access.ts; treated as read (safe methods) or write');
    // The rule is looked up once here, not per request.
    const accessOf = routeAccess(route.url);
    if (handlerRunsFirst(route)) {
      route.handler = guardFirstInHandler(keeper, accessOf, route.handler);
      return;
    }
    route.onRequest = [guardHook(keeper, accessOf), ...[route.onRequest ?? []].flat()];
  });
}
