// The OpenAPI document (GET /api/openapi.json): what @fastify/swagger builds from the route
// schemas, plus what a generated client needs and no single route says: the bearer scheme, the
// server, and the refusals every API route can answer (auth, rate limits, an unavailable store).
import type { SwaggerOptions } from '@fastify/swagger';
import { documentHeaders, problemResponses } from './schemas.js';

/** The security of API routes: anonymous (open mode, public reads) or an API token (RFC 6750). */
const API_SECURITY = [{}, { apiToken: [] }];

/** Refusals any API route may give before or beside its own answer (auth/plugin.ts, the store). */
function sharedRefusals(method: string, url: string): Record<number, unknown> {
  const unsafe = !['GET', 'HEAD'].includes(method);
  // 429: the per-user write limit, and the cap on open event streams.
  return problemResponses(401, 403, ...(unsafe || url.endsWith('/events') ? [429] : []), 503);
}

type RouteSchema = Record<string, unknown> & { response?: Record<string, unknown>; security?: unknown };

/** Renames the documented-only fields and adds the shared refusals to routes under /api/. */
export function documentRoute(schema: Record<string, unknown> | undefined, method: string, url: string): Record<string, unknown> | undefined {
  const documented = documentHeaders(schema) as RouteSchema | undefined;
  if (!documented || documented['hide'] === true || !url.startsWith('/api/')) return documented;
  const { documentedBody, ...rest } = documented;
  return {
    ...rest,
    ...(documentedBody === undefined ? {} : { body: documentedBody }),
    response: { ...sharedRefusals(method, url), ...rest.response },
  };
}

export function swaggerOptions(): SwaggerOptions {
  return {
    exposeHeadRoutes: true,
    transform: ({ schema, url, route }) => {
      const method = Array.isArray(route.method) ? String(route.method[0]) : String(route.method);
      return { schema: documentRoute(schema as Record<string, unknown>, method, url) as typeof schema, url };
    },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'midair',
        version: '1',
        license: { name: 'MIT', identifier: 'MIT' },
        description:
          'A wiki and document server in which no edit is lost to a mid-air collision. Every write carries a precondition (RFC 9110 §13); errors are RFC 9457 problem details. Page bodies are text/markdown: a generated client must send them as text, not JSON (docs/API.md, "Generated clients"). ' +
          'A page name is one path segment: "/" in a subpage\'s name is sent as %2F (/api/pages/Team%2FOnboarding). ' +
          'Pages are renamed with MOVE /api/pages/{name} (RFC 4918 §9.9), which OpenAPI cannot describe as an operation: send Destination: /api/pages/{new} and If-Match (428 without it); ' +
          '201 with Location when moved, 412 when stale or when a page exists at the destination (a move never replaces one, even with Overwrite: T), ?subpages=true to take the subpages along. ' +
          'The old name then answers GET and HEAD with 308 and Location (docs/API.md, "Moving a page").',
      },
      // Relative: the document describes the server that serves it, whatever its public address.
      servers: [{ url: '/', description: 'The server this document came from' }],
      components: {
        securitySchemes: {
          apiToken: { type: 'http', scheme: 'bearer', description: 'A personal API token, made on /account; browsers use a session cookie instead' },
        },
      },
      security: API_SECURITY,
      tags: [
        { name: 'pages', description: 'Pages and their conditional reads and writes' },
        { name: 'revisions', description: 'The history of a page' },
        { name: 'files', description: 'Uploaded files: conditional uploads, ranges, every version kept' },
      ],
    },
  };
}
