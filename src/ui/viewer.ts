// Who looks at a page, as far as its HTML depends on it: the access mode, their role, and
// which pages are protected. A page offers only the actions its viewer may take (decideAccess
// decides, as it does for the request itself), so the page cache is keyed by viewerClassKey.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { decideAccess } from '../auth/access.js';
import { principalOf } from '../auth/principal.js';
import type { AuthMode } from '../config.js';
import type { Role } from '../storage/accounts.js';
import { ProtectedPages } from './protected-pages.js';
import type { PageActions } from './views/page-chrome.js';

export interface ViewerPolicy {
  readonly mode: AuthMode;
  /** Whether anyone can sign in here (there is an account store). */
  readonly accounts: boolean;
  readonly protectedPages: ProtectedPages;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Set by registerWikiRoutes; what the wiki's pages offer depends on it. */
    wikiViewers?: ViewerPolicy;
  }
}

const NOBODY_SIGNS_IN: ViewerPolicy = { mode: 'open', accounts: false, protectedPages: new ProtectedPages(undefined) };

export function installViewerPolicy(app: FastifyInstance, policy: ViewerPolicy): void {
  app.decorate('wikiViewers', policy);
}

function policyOf(request: FastifyRequest): ViewerPolicy {
  return request.server.wikiViewers ?? NOBODY_SIGNS_IN;
}

function roleOf(request: FastifyRequest): Role | undefined {
  const principal = principalOf(request);
  return principal.kind === 'anonymous' ? undefined : principal.user.role;
}

/** What, besides the viewer's account, a page's HTML depends on: mode and protected pages. */
export function viewerClassKey(request: FastifyRequest): string {
  const policy = policyOf(request);
  return `\0${policy.mode}\0${policy.protectedPages.version}`;
}

/** In open mode anyone edits without an account, so "Sign in" is not offered there. */
export function offersSignIn(request: FastifyRequest): boolean {
  const policy = policyOf(request);
  return policy.accounts && policy.mode !== 'open';
}

export function isAdmin(request: FastifyRequest): boolean {
  const policy = policyOf(request);
  return policy.accounts && decideAccess(policy.mode, roleOf(request), 'admin').allowed;
}

/** What this viewer may do to each page. */
export function pageActionsOf(request: FastifyRequest): (name: string) => PageActions {
  const { mode, protectedPages } = policyOf(request);
  const role = roleOf(request);
  const admin = isAdmin(request);
  const editsUnprotected = decideAccess(mode, role, 'page-write', false).allowed;
  return (name) => {
    const isProtected = protectedPages.has(name);
    return {
      mayEdit: decideAccess(mode, role, 'page-write', isProtected).allowed,
      mayProtect: admin,
      // Told to those who would edit it otherwise; a reader cannot edit any page anyway.
      protectedNote: isProtected && editsUnprotected,
    };
  };
}
