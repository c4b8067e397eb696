// The signed-in user's corner of the site header. Pages are rendered and cached without it;
// it replaces a marker when a page is sent, and the page cache is keyed per viewer, so one
// user's name never reaches another's page and anonymous pages keep one shared ETag.
import type { FastifyRequest } from 'fastify';
import { principalOf } from '../auth/principal.js';
import { html } from './html.js';
import { isAdmin, offersSignIn, pageActionsOf, viewerClassKey } from './viewer.js';
import { fillPageActions } from './views/page-chrome.js';

/** Where layout() leaves room for the account links. */
export const ACCOUNT_NAV_MARKER = '<!--midair:account-->';

/** A suffix that makes a page-cache key this viewer's: anonymous viewers of one class share theirs. */
export function viewerKey(request: FastifyRequest): string {
  const principal = principalOf(request);
  // The class (mode, protected pages) decides which actions a page offers (viewer.ts).
  return principal.kind === 'anonymous' ? `\0anonymous${viewerClassKey(request)}` : `\0viewer\0${principal.user.id}\0${principal.user.name}\0${principal.user.role}${viewerClassKey(request)}`;
}

export function accountNav(request: FastifyRequest): string {
  const principal = principalOf(request);
  if (principal.kind === 'anonymous') return offersSignIn(request) ? html`<div class="account"><a href="/login">Sign in</a></div>`.value : '';
  const { name, role } = principal.user;
  return html`<div class="account">${isAdmin(request) ? html`<a href="/admin/users" class="admin">Users</a> ` : ''}<a href="/account" class="name" title="Your account and API tokens">${name}</a>${role === 'editor' ? '' : html` <span class="role">${role}</span>`}
      <form method="post" action="/logout"><button type="submit" class="link">Sign out</button></form></div>`.value;
}

/**
 * The page's bytes, with the viewer's account links in place of the marker and the page's tabs
 * theirs. Each side of the marker is encoded as it is: a 2 MiB page (a diff) is not copied once
 * more as a string first.
 */
export function personalize(request: FastifyRequest, page: string): Buffer {
  const filled = fillPageActions(page, pageActionsOf(request));
  const at = filled.indexOf(ACCOUNT_NAV_MARKER);
  if (at < 0) return Buffer.from(filled, 'utf8');
  const parts = [filled.slice(0, at), accountNav(request), filled.slice(at + ACCOUNT_NAV_MARKER.length)];
  return Buffer.concat(parts.map((part) => Buffer.from(part, 'utf8')));
}
