// Each URL is a resource with a fixed set of methods; any other method gets 405 with Allow
// (RFC 9110 §15.5.6), whether or not Fastify itself knows the method.
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler, RouteShorthandOptions } from 'fastify';
import { HttpProblem } from './errors.js';

type Method = 'GET' | 'HEAD' | 'PUT' | 'DELETE' | 'POST' | 'PATCH' | 'MOVE';
// Route handlers declare their own params and querystring types, which the schemas guarantee.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
// A handler that answers synchronously returns undefined (Fastify then sends nothing more).
type Handler = (request: FastifyRequest<any>, reply: FastifyReply) => Promise<unknown> | undefined;
export type ResourceMethods = Partial<
  Record<Method, { options?: RouteShorthandOptions; onRequest?: onRequestAsyncHookHandler; handler: Handler }>
>;

export class ResourceTable {
  private readonly entries: { pattern: RegExp; allow: string }[] = [];

  /** Registers a resource's methods, OPTIONS, and 405 for the methods Fastify routes but the resource lacks. */
  add(app: FastifyInstance, url: string, methods: ResourceMethods): void {
    const own = Object.keys(methods) as Method[];
    const allow = [...own, 'OPTIONS'].join(', ');
    for (const method of own) {
      const { options = {}, onRequest, handler } = methods[method]!;
      app.route({ ...options, ...(onRequest ? { onRequest } : {}), method, url, handler });
    }
    app.route({
      method: 'OPTIONS',
      url,
      schema: { hide: true },
      handler: async (_request, reply) => reply.header('allow', allow).code(204).send(),
    });
    const others = app.supportedMethods.filter((m) => !own.includes(m as Method) && m !== 'OPTIONS');
    if (others.length > 0) {
      // Refused in onRequest, before any body is read: a method we reject needs none.
      const refuse = async (request: FastifyRequest) => {
        throw methodNotAllowed(request.method, allow);
      };
      app.route({ method: others, url, schema: { hide: true }, onRequest: refuse, handler: refuse });
    }
    const pattern = new RegExp(`^${url.replace(/:[^/]+/g, '[^/]+')}/?$`);
    this.entries.push({ pattern, allow });
  }

  /** The Allow value for a path, when it names a known resource. */
  allowFor(path: string): string | undefined {
    return this.entries.find((entry) => entry.pattern.test(path))?.allow;
  }
}

export function methodNotAllowed(method: string, allow: string): HttpProblem {
  return new HttpProblem('method-not-allowed', `${method} is not allowed here; allowed: ${allow}.`, {}, { allow });
}
