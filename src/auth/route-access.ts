// The access class of every route, in one table. A route missing from it is treated as
// `read` for GET/HEAD/OPTIONS and `write` for any other method, so a new route is never
// writable by someone who could not write elsewhere.
import type { Access } from './access.js';

const READ = { GET: 'read', HEAD: 'read' } as const;

export const ROUTE_ACCESS: Readonly<Record<string, Readonly<Record<string, Access>>>> = {
  '/': READ,
  '/wiki': READ,
  '/search': READ,
  '/static/:file': { GET: 'public', HEAD: 'public' },
  '/wiki/:name': { ...READ, POST: 'page-write' },
  '/wiki/:name/edit': { GET: 'page-write', HEAD: 'page-write' },
  '/wiki/:name/history': READ,
  // Feeds are read as the pages they list are; a private wiki's feed reader sends a Bearer token.
  '/changes.atom': READ,
  '/wiki/:name/history.atom': READ,
  // Renders a text in a worker for the editor: as costly as a save's render, so for those who may edit.
  '/wiki/:name/preview': { POST: 'page-write' },
  '/wiki/:name/diff': READ,
  '/wiki/:name/revisions/:n': READ,
  '/wiki/:name/protection': { ...READ, POST: 'admin' },
  // The confirmation and the form are for those who may take the action; a protected page's
  // delete or move is refused to all but admins by the domain (as its save is).
  '/wiki/:name/delete': { GET: 'page-write', HEAD: 'page-write', POST: 'page-write' },
  '/wiki/:name/move': { GET: 'page-write', HEAD: 'page-write', POST: 'page-write' },
  '/wiki/:name/backlinks': READ,
  '/api/pages': READ,
  '/api/pages/:name': { ...READ, PUT: 'page-write', DELETE: 'page-write', MOVE: 'page-write' },
  '/api/pages/:name/backlinks': READ,
  '/api/pages/:name/revisions': READ,
  '/api/pages/:name/revisions/:n': READ,
  '/api/pages/:name/events': { GET: 'read' },
  '/api/openapi.json': { GET: 'read' },
  // Uploads are writes like any other: the mode's editors (files have no protection of their own).
  '/api/files': READ,
  '/api/files/:name': { ...READ, PUT: 'write', DELETE: 'write' },
  '/api/files/:name/versions': READ,
  '/api/files/:name/versions/:n': READ,
  '/api/changes': READ,
  '/login': { GET: 'public', HEAD: 'public', POST: 'public' },
  '/logout': { POST: 'public' },
  '/account': { GET: 'signed-in', HEAD: 'signed-in' },
  '/account/tokens': { POST: 'signed-in' },
  '/account/tokens/:id/revoke': { POST: 'signed-in' },
  '/account/password': { POST: 'signed-in' },
  '/admin/users': { GET: 'admin', HEAD: 'admin', POST: 'admin' },
  '/admin/users/:name/role': { POST: 'admin' },
  '/admin/users/:name/disable': { POST: 'admin' },
  '/admin/users/:name/enable': { POST: 'admin' },
  '/admin/users/:name/password': { POST: 'admin' },
  '/admin/users/:name/sign-out': { POST: 'admin' },
  // Probes (http/probes.ts): load balancers ask without credentials, whatever the access mode.
  '/healthz': { GET: 'public', HEAD: 'public' },
  '/readyz': { GET: 'public', HEAD: 'public' },
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method);
}

/**
 * The access class of each method of one route, looked up once when the route is declared.
 * `url` is the route's pattern (undefined for a URL no route matches).
 */
export function routeAccess(url: string | undefined): (method: string) => Access {
  const rules = url === undefined ? undefined : ROUTE_ACCESS[url];
  return (method) => rules?.[method] ?? (isSafeMethod(method) ? 'read' : 'write');
}
