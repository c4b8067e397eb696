// GET/POST /login, POST /logout, and /account: the password and personal API tokens.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { passwordProblem, hashPassword, verifyPassword } from '../../auth/password.js';
import type { Auth } from '../../auth/plugin.js';
import { principalOf } from '../../auth/principal.js';
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

export function registerAccountRoutes(app: FastifyInstance, { auth, resources }: AccountRouteContext): void {
  const accounts = auth.accounts!;

  async function signInPage(request: FastifyRequest<{ Querystring: { next?: string } }>, reply: FastifyReply) {
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

  async function signIn(request: FastifyRequest, reply: FastifyReply) {
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

  async function signOut(request: FastifyRequest, reply: FastifyReply) {
    await auth.endSession(request, reply);
    return reply.code(303).header('location', '/').header('cache-control', 'no-store').send();
  }

  async function accountPage(request: FastifyRequest, reply: FastifyReply, extra: { status?: number; notice?: string; error?: string; newToken?: { label: string; token: string } } = {}) {
    const { user, viaToken } = signedInUser(request);
    const tokens = await accounts.tokensOf(user.id);
    const { status = 200, ...messages } = extra;
    return sendUncachedHtml(reply, status, accountView({ user, tokens, viaToken, ...messages }));
  }

  async function createToken(request: FastifyRequest, reply: FastifyReply) {
    const { user, viaToken } = signedInUser(request);
    needsSession(viaToken);
    const label = (field(formBody(request), 'label') ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, MAX_TOKEN_LABEL);
    if (label === '') return accountPage(request, reply, { status: 400, error: 'Give the token a label, to tell it apart later.' });
    const { token } = await auth.tokens!.create(user, label);
    return accountPage(request, reply, { status: 201, newToken: { label, token } });
  }

  async function revokeToken(request: FastifyRequest<{ Params: { id: number } }>, reply: FastifyReply) {
    const { user, viaToken } = signedInUser(request);
    needsSession(viaToken);
    if (!(await accounts.removeToken(user.id, request.params.id))) {
      throw new HttpProblem('not-found', 'You have no token with that number; it may be revoked already.');
    }
    return reply.code(303).header('location', '/account').header('cache-control', 'no-store').send();
  }

  async function changePassword(request: FastifyRequest, reply: FastifyReply) {
    const { user, viaToken } = signedInUser(request);
    needsSession(viaToken);
    const body = formBody(request);
    const password = field(body, 'password') ?? '';
    const stored = await accounts.userByName(user.name);
    if (!stored || !(await verifyPassword(field(body, 'current') ?? '', stored.passwordHash))) {
      return accountPage(request, reply, { status: 400, error: 'The current password is not right; nothing was changed.' });
    }
    const problem = password !== (field(body, 'confirm') ?? '') ? 'The two new passwords differ; nothing was changed.' : passwordProblem(password);
    if (problem) return accountPage(request, reply, { status: 400, error: problem });
    await accounts.updateUser(user.name, { passwordHash: await hashPassword(password) });
    // Every other session ends; this one continues under a new id.
    await accounts.removeSessionsOf(user.id);
    // A ticked box sends the field, an unticked one nothing: the form decides the default.
    const revoked = field(body, 'revokeTokens') === '1' ? await accounts.removeTokensOf(user.id) : undefined;
    await auth.startSession(request, reply, user);
    const tokens = revoked === undefined ? '' : revoked === 0 ? ' You had no API tokens to revoke.' : ` Your ${revoked} API token${revoked === 1 ? ' is' : 's are'} revoked.`;
    return accountPage(request, reply, { notice: `Your password is changed, and your other sessions are signed out.${tokens}` });
  }

  const hide = { hide: true };
  const nextQuery = { type: 'object', properties: { next: { type: 'string' } } } as const;
  resources.add(app, '/login', {
    GET: { options: { schema: { ...hide, querystring: nextQuery } }, handler: signInPage },
    HEAD: { options: { schema: { ...hide, querystring: nextQuery } }, handler: signInPage },
    POST: { options: { schema: hide, bodyLimit: 16 * 1024 }, handler: signIn },
  });
  resources.add(app, '/logout', { POST: { options: { schema: hide, bodyLimit: 16 * 1024 }, handler: signOut } });
  resources.add(app, '/account', {
    GET: { options: { schema: hide }, handler: (request, reply) => accountPage(request, reply) },
    HEAD: { options: { schema: hide }, handler: (request, reply) => accountPage(request, reply) },
  });
  resources.add(app, '/account/tokens', { POST: { options: { schema: hide, bodyLimit: 16 * 1024 }, handler: createToken } });
  resources.add(app, '/account/tokens/:id/revoke', {
    POST: {
      options: { schema: { ...hide, params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } }, bodyLimit: 16 * 1024 },
      handler: revokeToken,
    },
  });
  resources.add(app, '/account/password', { POST: { options: { schema: hide, bodyLimit: 16 * 1024 }, handler: changePassword } });
}
