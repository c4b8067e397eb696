// The session cookie on the wire (RFC 6265): read from Cookie, written with Set-Cookie, by the
// `cookie` package. (@fastify/cookie would do the same, but it puts an onSend hook on every
// response, a few percent of a 304, for the few routes that set a cookie.)
import { parseCookie, type SetCookie, stringifySetCookie } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from './sessions.js';

/** Script cannot read it, other sites' requests do not carry it, and behind an HTTPS proxy (TRUST_PROXY set) it is never sent in the clear. */
function attributes(request: FastifyRequest) {
  return { path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https' } as const;
}

/** The session id the request's Cookie header carries, if any. */
export function sessionIdOf(request: FastifyRequest): string | undefined {
  return cookieOf(request, SESSION_COOKIE);
}

/** The value of cookie `name` in the request's Cookie header, if any. */
export function cookieOf(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  return header === undefined ? undefined : parseCookie(header)[name];
}

// The last word wins: a response that clears an expired session and then starts a new one
// sends only the new one. Cookies of other names are kept.
export function setCookie(reply: FastifyReply, cookie: SetCookie): void {
  const others = [reply.getHeader('set-cookie') ?? []].flat().map(String).filter((line) => !line.startsWith(`${cookie.name}=`));
  reply.removeHeader('set-cookie');
  reply.header('set-cookie', [...others, stringifySetCookie(cookie)]);
}

export function sendSessionCookie(request: FastifyRequest, reply: FastifyReply, id: string, maxAgeSeconds: number): void {
  setCookie(reply, { name: SESSION_COOKIE, value: id, maxAge: maxAgeSeconds, ...attributes(request) });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  setCookie(reply, { name: SESSION_COOKIE, value: '', maxAge: 0, expires: new Date(0), ...attributes(request) });
}
