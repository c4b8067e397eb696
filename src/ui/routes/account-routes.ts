// GET/POST /login, POST /logout, and /account: the password and personal API tokens.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { passwordProblem, hashPassword, verifyPassword } from '../../auth/password.js';
import type { Auth } from '../../auth/plugin.js';
import { principalOf } from '../../auth/principal.js';
import { sendNewToken, takeNewToken } from '../../auth/new-token-cookie.js';
import { MAX_TOKEN_LABEL } from '../../auth/tokens.js';
import { HttpProblem } from '../../http/errors.js';
import { sendProblem } from '../../http/problem-response.js';
import type { ResourceTable } from '../../http/resources.js';
import type { User } from '../../storage/accounts.js';
import { field, formBody } from '../form-body.js';
import { sendUncachedHtml } from '../html-response.js';
import { accountView, signInView } from '../views/account-views.js';

export interface AccountRouteContext {
  readonly auth: Auth;
  readonly resources: ResourceTable;
}

/** Only a path on this site: never another host ("//evil", "/\\evil") or a scheme. */
export function safeNext(next: string | undefined): string {
  if (next === undefined || !/^\/(?![/\\])[^\u0000-\u001f\u007f]*$/.test(next)) return '/';
  if (next.startsWith('/login') || next.startsWith('/logout')) return '/';
  // A Location header carries ASCII only: anything else (a decoded page name) is percent-encoded.
  try {
    return next.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
  } catch {
    return '/'; // a lone surrogate cannot be encoded
  }
}

function prefersHtml(request: FastifyRequest): boolean {
  return /\btext\/html\b/i.test(String(request.headers.accept ?? ''));
}

function signedInUser(request: FastifyRequest): { user: User; viaToken: boolean } {
  const principal = principalOf(request);
  // The auth hook has already refused anonymous requests to these routes.
  if (principal.kind === 'anonymous') throw new HttpProblem('unauthorized', 'Sign in to see your account.', {}, { 'www-authenticate': 'Bearer realm="midair"' });
  return { user: principal.user, viaToken: principal.kind === 'token' };
}

function needsSession(viaToken: boolean): void {
  if (viaToken) throw new HttpProblem('forbidden', 'Tokens and passwords are managed from a signed-in browser, not with an API token.');
}

type AccountMessages = { status?: number; notice?: string; error?: string };

/** GET /login: the sign-in form, coming back afterwards to `next` or the page the visitor came from. */
export async function signInPage({ auth }: AccountRouteContext, request: FastifyRequest<{ Querystring: { next?: string } }>, reply: FastifyReply) {
  const principal = principalOf(request);
  const referer = request.headers.referer;
  // Back to where the visitor came from, when that was a page of this site.
  let next = request.query.next;
  if (next === undefined && referer !== undefined) {
    try {
      const from = new URL(referer);
      if (from.host === request.host) next = from.pathname + from.search;
    } catch {
      // not a URL: stay with the default
    }
  }
  return sendUncachedHtml(reply, 200, signInView({ next: safeNext(next), mode: auth.mode, ...(principal.kind === 'anonymous' ? {} : { current: principal.user.name }) }));
}

/** POST /login: a new session and 303 to `next`; 401 (the form again, or a problem for a script) when refused. */
export async function signIn({ auth }: AccountRouteContext, request: FastifyRequest, reply: FastifyReply) {
  const body = formBody(request);
  const username = field(body, 'username') ?? '';
  const next = safeNext(field(body, 'next'));
  let user: User | undefined;
  try {
    user = await auth.signIn(request, username, field(body, 'password') ?? '');
  } catch (error) {
    // A script gets the problem document; a browser gets the page (with the same Retry-After).
    if (error instanceof HttpProblem && !prefersHtml(request)) return sendProblem(reply, error, request.url);
    throw error;
  }
  if (!user) {
    reply.header('www-authenticate', 'Bearer realm="midair"');
    if (!prefersHtml(request)) return sendProblem(reply, new HttpProblem('unauthorized', 'Wrong user name or password.', {}, { 'www-authenticate': 'Bearer realm="midair"' }), request.url);
    return sendUncachedHtml(reply, 401, signInView({ next, username, mode: auth.mode, error: 'Wrong user name or password.' }));
  }
  await auth.startSession(request, reply, user);
  return reply.code(303).header('location', next).header('cache-control', 'no-store').send();
}

/** POST /logout: ends the session, clears the cookie, 303 to /. */
export async function signOut({ auth }: AccountRouteContext, request: FastifyRequest, reply: FastifyReply) {
  await auth.endSession(request, reply);
  return reply.code(303).header('location', '/').header('cache-control', 'no-store').send();
}

/** GET /account: the user's tokens (and the one just made, once) and the password form; also the page of a form's error. */
export async function accountPage({ auth }: AccountRouteContext, request: FastifyRequest, reply: FastifyReply, messages: AccountMessages = {}) {
  const { user, viaToken } = signedInUser(request);
  const tokens = await auth.accounts!.tokensOf(user.id);
  const made = takeNewToken(request, reply);
  // Only a token of this user: the cookie outlives a sign-out in the same browser.
  const record = made && tokens.find((token) => token.id === made.tokenId);
  const newToken = record && made ? { newToken: { label: record.label, token: made.token } } : {};
  const { status = 200, ...shown } = messages;
  return sendUncachedHtml(reply, status, accountView({ user, tokens, viaToken, ...shown, ...newToken }));
}

/**
 * POST /account/tokens: makes a token, then 303 to /account, which shows it once (the cookie of
 * new-token-cookie.ts carries it there), so a reload shows the list and makes no second token.
 */
export async function createToken(context: AccountRouteContext, request: FastifyRequest, reply: FastifyReply) {
  const { user, viaToken } = signedInUser(request);
  needsSession(viaToken);
  const label = (field(formBody(request), 'label') ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, MAX_TOKEN_LABEL);
  if (label === '') return accountPage(context, request, reply, { status: 400, error: 'Give the token a label, to tell it apart later.' });
  const { token, record } = await context.auth.tokens!.create(user, label);
  sendNewToken(request, reply, record.id, token);
  return reply.code(303).header('location', '/account').header('cache-control', 'no-store').send();
}

/** POST /account/tokens/{id}/revoke: 303 to /account; 404 when the user has no such token. */
export async function revokeToken({ auth }: AccountRouteContext, request: FastifyRequest<{ Params: { id: number } }>, reply: FastifyReply) {
  const { user, viaToken } = signedInUser(request);
  needsSession(viaToken);
  if (!(await auth.accounts!.removeToken(user.id, request.params.id))) {
    throw new HttpProblem('not-found', 'You have no token with that number; it may be revoked already.');
  }
  return reply.code(303).header('location', '/account').header('cache-control', 'no-store').send();
}

/** POST /account/password: a new password; every other session ends, this one goes on under a new id. */
export async function changePassword(context: AccountRouteContext, request: FastifyRequest, reply: FastifyReply) {
  const { auth } = context;
  const accounts = auth.accounts!;
  const { user, viaToken } = signedInUser(request);
  needsSession(viaToken);
  const body = formBody(request);
  const password = field(body, 'password') ?? '';
  const stored = await accounts.userByName(user.name);
  if (!stored || !(await verifyPassword(field(body, 'current') ?? '', stored.passwordHash))) {
    return accountPage(context, request, reply, { status: 400, error: 'The current password is not right; nothing was changed.' });
  }
  const problem = password !== (field(body, 'confirm') ?? '') ? 'The two new passwords differ; nothing was changed.' : passwordProblem(password);
  if (problem) return accountPage(context, request, reply, { status: 400, error: problem });
  await accounts.updateUser(user.name, { passwordHash: await hashPassword(password) });
  // Every other session ends; this one continues under a new id.
  await accounts.removeSessionsOf(user.id);
  // A ticked box sends the field, an unticked one nothing: the form decides the default.
  const revoked = field(body, 'revokeTokens') === '1' ? await accounts.removeTokensOf(user.id) : undefined;
  await auth.startSession(request, reply, user);
  const tokens = revoked === undefined ? '' : revoked === 0 ? ' You had no API tokens to revoke.' : ` Your ${revoked} API token${revoked === 1 ? ' is' : 's are'} revoked.`;
  return accountPage(context, request, reply, { notice: `Your password is changed, and your other sessions are signed out.${tokens}` });
}

const hide = { hide: true };
const nextQuery = { type: 'object', properties: { next: { type: 'string' } } } as const;
const formLimit = 16 * 1024;

export function registerAccountRoutes(app: FastifyInstance, context: AccountRouteContext): void {
  const { resources } = context;
  const withContext =
    <R extends FastifyRequest>(handler: (context: AccountRouteContext, request: R, reply: FastifyReply) => Promise<unknown>) =>
    (request: R, reply: FastifyReply) =>
      handler(context, request, reply);
  resources.add(app, '/login', {
    GET: { options: { schema: { ...hide, querystring: nextQuery } }, handler: withContext(signInPage) },
    HEAD: { options: { schema: { ...hide, querystring: nextQuery } }, handler: withContext(signInPage) },
    POST: { options: { schema: hide, bodyLimit: formLimit }, handler: withContext(signIn) },
  });
  resources.add(app, '/logout', { POST: { options: { schema: hide, bodyLimit: formLimit }, handler: withContext(signOut) } });
  resources.add(app, '/account', {
    GET: { options: { schema: hide }, handler: withContext(accountPage) },
    HEAD: { options: { schema: hide }, handler: withContext(accountPage) },
  });
  resources.add(app, '/account/tokens', { POST: { options: { schema: hide, bodyLimit: formLimit }, handler: withContext(createToken) } });
  resources.add(app, '/account/tokens/:id/revoke', {
    POST: {
      options: { schema: { ...hide, params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } }, bodyLimit: formLimit },
      handler: withContext(revokeToken),
    },
  });
  resources.add(app, '/account/password', { POST: { options: { schema: hide, bodyLimit: formLimit }, handler: withContext(changePassword) } });
}
