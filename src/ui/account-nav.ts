// The signed-in user's corner of the site header. Pages are rendered and cached without it;
// it replaces a marker when a page is sent, and the page cache is keyed per viewer, so one
// user's name never reaches another's page and anonymous pages keep one shared ETag.
import type { FastifyRequest } from 'fastify';
import { principalOf } from '../auth/principal.js';
import { html } from './html.js';

/** Where layout() leaves room for the account links. */
export const ACCOUNT_NAV_MARKER = '<!--midair:account-->';

/** '' for anonymous; otherwise a suffix that makes a page-cache key this viewer's. */
export function viewerKey(request: FastifyRequest): string {
  const principal = principalOf(request);
  return principal.kind === 'anonymous' ? '' : `\0viewer\0${principal.user.id}\0${principal.user.name}\0${principal.user.role}`;
}

export function accountNav(request: FastifyRequest): string {
  const principal = principalOf(request);
  if (principal.kind === 'anonymous') return html`<div class="account"><a href="/login">Sign in</a></div>`.value;
  const { name, role } = principal.user;
  return html`<div class="account"><a href="/account" title="Your account and API tokens">${name}</a>${role === 'editor' ? '' : html` <span class="role">${role}</span>`}
      <form method="post" action="/logout"><button type="submit" class="link">Sign out</button></form></div>`.value;
}

/**
 * The page's bytes, with the viewer's account links in place of the marker. Each side of the
 * marker is encoded as it is: a 2 MiB page (a diff) is not copied once more as a string first.
 */
export function personalize(request: FastifyRequest, page: string): Buffer {
  const at = page.indexOf(ACCOUNT_NAV_MARKER);
  if (at < 0) return Buffer.from(page, 'utf8');
  const parts = [page.slice(0, at), accountNav(request), page.slice(at + ACCOUNT_NAV_MARKER.length)];
  return Buffer.concat(parts.map((part) => Buffer.from(part, 'utf8')));
}
