// A token just made, carried across the redirect after "Create token" (POST-redirect-GET), so
// that reloading the account page shows it once and never makes a second one. A cookie rather
// than server memory: with --workers N the GET may reach another process. It lives for minutes,
// only on /account, never for script, never cross-site, and the page that shows it clears it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isWellFormedToken } from './secrets.js';
import { cookieOf, setCookie } from './session-cookie.js';

const NEW_TOKEN_COOKIE = 'midair_new_token';
const LIFETIME_SECONDS = 300;

function attributes(request: FastifyRequest) {
  return { path: '/account', httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https' } as const;
}

/** Keeps the new token (and its row's id) for the next view of the account page. */
export function sendNewToken(request: FastifyRequest, reply: FastifyReply, tokenId: number, token: string): void {
  setCookie(reply, { name: NEW_TOKEN_COOKIE, value: `${tokenId}.${token}`, maxAge: LIFETIME_SECONDS, ...attributes(request) });
}

/**
 * The token made just before, once: a GET takes it and clears the cookie; a HEAD leaves it.
 * The caller shows it only when the id is one of the signed-in user's tokens.
 */
export function takeNewToken(request: FastifyRequest, reply: FastifyReply): { tokenId: number; token: string } | undefined {
  const value = cookieOf(request, NEW_TOKEN_COOKIE);
  if (value === undefined) return undefined;
  if (request.method === 'GET') setCookie(reply, { name: NEW_TOKEN_COOKIE, value: '', maxAge: 0, expires: new Date(0), ...attributes(request) });
  const match = /^([1-9][0-9]{0,15})\.(.+)$/.exec(value);
  if (!match || !isWellFormedToken(match[2]!)) return undefined;
  return { tokenId: Number(match[1]), token: match[2]! };
}
