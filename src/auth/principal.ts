// Who made a request: nobody in particular, or a user through a session or an API token.
import type { FastifyRequest } from 'fastify';
import type { User } from '../storage/accounts.js';

export type Principal =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'session'; readonly user: User; readonly digest: string }
  | { readonly kind: 'token'; readonly user: User; readonly tokenId: number };

export const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous' });

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook before any handler runs; null only where the hook does not run. */
    principal: Principal | null;
  }
}

export function principalOf(request: FastifyRequest): Principal {
  return request.principal ?? ANONYMOUS;
}

/** The name a revision records: the user's, or "anonymous". */
export function authorOf(request: FastifyRequest): string {
  const principal = principalOf(request);
  return principal.kind === 'anonymous' ? 'anonymous' : principal.user.name;
}

/** Who an editor on a page's event stream is: the account, never a name the client typed; null name for anonymous visitors. */
export function editorIdentity(request: FastifyRequest): { account: string; name: string | null } {
  const principal = principalOf(request);
  return principal.kind === 'anonymous' ? { account: 'anonymous', name: null } : { account: `user:${principal.user.id}`, name: principal.user.name };
}
