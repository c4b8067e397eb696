// The auth layer of the server: who is asking (session cookie or bearer token), whether the
// request may come from where it comes from (CSRF), and whether they may do it. Its guard runs
// before any handler reads a page (guards.ts), so a refusal never carries a page's ETag,
// content or merge: preconditions are evaluated only for requests already authorised.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthMode, RateLimitSetting } from '../config.js';
import type { Writer } from '../http/conditional-write.js';
import { HttpProblem } from '../http/errors.js';
import { parsePageName } from '../pages/page-name.js';
import type { AccountStore, User } from '../storage/accounts.js';
import { type Access, decideAccess, protectionMatters, type Verdict } from './access.js';
import { verifyNobody, verifyPassword } from './password.js';
import { ANONYMOUS, authorOf, type Principal, principalOf } from './principal.js';
import { createLimit, type Limit } from './rate-limits.js';
import { type Gatekeeper, type Guard, guardEveryRoute, guardHook } from './guards.js';
import { routeAccess } from './route-access.js';
import { originMismatch, requestSource } from './same-origin.js';
import { hostName, isLoopbackName } from '../http/host-check.js';
import { hardenAsNonDocument } from '../http/security-headers.js';
import { clearSessionCookie, sendSessionCookie, sessionIdOf } from './session-cookie.js';
import { Sessions } from './sessions.js';
import { ApiTokens } from './tokens.js';
import { normalizeUserName } from './user-name.js';

export interface AuthOptions {
  readonly mode: AuthMode;
  /** Without an account store nobody can sign in (open mode only). */
  readonly accounts?: AccountStore;
  readonly sessionIdleTimeout?: number;
  readonly sessionMaxAge?: number;
  readonly loginRateLimit?: RateLimitSetting | null;
  readonly loginAddressRateLimit?: RateLimitSetting | null;
  readonly writeRateLimit?: RateLimitSetting | null;
  /** PUBLIC_URL: the site's own origins; unset, the origin is taken from the request's Host. */
  readonly publicOrigins?: readonly string[];
}

/** What the routes that sign in, out and manage tokens need. */
export interface Auth {
  readonly mode: AuthMode;
  readonly accounts: AccountStore | undefined;
  readonly sessions: Sessions | undefined;
  readonly tokens: ApiTokens | undefined;
  /** The guard of a URL no route matches: for the not-found handler (a private wiki says nothing of what is not there). */
  readonly guardUnrouted: Guard;
  /** The request's writer: its author's name, and whether protected pages are barred to it. */
  writer(request: FastifyRequest): Writer;
  /** Checks a name and password under the sign-in rate limits; the user, or undefined. */
  signIn(request: FastifyRequest, name: string, password: string): Promise<User | undefined>;
  /** Ends the request's session if it has one, starts a new one for `user`, and sets its cookie. */
  startSession(request: FastifyRequest, reply: FastifyReply, user: User): Promise<void>;
  /** Ends the request's session if it has one, and clears the cookie. */
  endSession(request: FastifyRequest, reply: FastifyReply): Promise<void>;
}

const REALM = 'Bearer realm="midair"';

function unauthorized(detail: string, error?: 'invalid_token' | 'invalid_request'): HttpProblem {
  // RFC 9110 §11.6.1: a 401 says how to authenticate; RFC 6750 §3 gives the Bearer form.
  const challenge = error ? `${REALM}, error="${error}", error_description="${detail.replace(/["\\]/g, '')}"` : REALM;
  return new HttpProblem('unauthorized', detail, {}, { 'www-authenticate': challenge });
}

function refusal(verdict: Exclude<Verdict, { allowed: true }>, mode: AuthMode, pageProtected: boolean): HttpProblem {
  if (verdict.status === 401) {
    const detail = pageProtected
      ? 'This page is protected: sign in as an admin to edit it.'
      : mode === 'private'
        ? 'This wiki is private: sign in (a browser at /login, a client with an API token) to use it.'
        : 'Sign in with an account that may do this (a browser at /login, a client with an API token).';
    return unauthorized(detail);
  }
  return new HttpProblem(pageProtected ? 'page-protected' : 'forbidden', verdict.reason);
}

function pageNameOf(request: FastifyRequest): string | undefined {
  const raw = (request.params as { name?: unknown } | undefined)?.name;
  if (typeof raw !== 'string') return undefined;
  try {
    return parsePageName(raw);
  } catch {
    return undefined; // the handler answers 400; no such page can be protected
  }
}

/** The name a sign-in form gives; the route has refused a repeated field (form-body.ts) before this counts. */
function signInName(request: FastifyRequest): string {
  const name = (request.body as { username?: unknown } | undefined)?.username;
  return typeof name === 'string' ? name : '';
}

/**
 * The origins our own pages have. PUBLIC_URL names them, so a proxy's Host does not matter; a
 * loopback name stays ours too (an admin on the machine itself, or a tunnel).
 */
function ownOrigins(request: FastifyRequest, publicOrigins: readonly string[]): readonly string[] {
  const reached = `${request.protocol}://${request.host}`;
  if (publicOrigins.length === 0) return [reached];
  return isLoopbackName(hostName(request.host)) ? [...publicOrigins, reached] : publicOrigins;
}

/** What the guard and the sign-in routes of one server share, made by installAuth. */
interface AuthState {
  readonly mode: AuthMode;
  readonly accounts: AccountStore | undefined;
  readonly sessions: Sessions | undefined;
  readonly tokens: ApiTokens | undefined;
  readonly publicOrigins: readonly string[];
  readonly limits: { readonly perAddress: Limit; readonly perAccount: Limit; readonly writes: Limit };
}

/** Who is asking: a bearer token, else the session cookie, else anonymous. */
async function authenticate({ tokens, sessions }: AuthState, request: FastifyRequest, reply: FastifyReply): Promise<Principal> {
  const authorization = request.headers.authorization;
  // Only our scheme: a proxy's Basic authentication in front of midair passes through untouched.
  const bearer = authorization === undefined ? undefined : /^Bearer[ ]+(\S*)[ ]*$/i.exec(authorization);
  if (bearer) {
    const found = tokens && (await tokens.lookup(bearer[1]!));
    if (!found) throw unauthorized('The API token is not valid: it was revoked, mistyped, or its user was disabled or removed.', 'invalid_token');
    return { kind: 'token', user: found.user, tokenId: found.tokenId };
  }
  const id = sessions && sessionIdOf(request);
  if (id === undefined || !sessions) return ANONYMOUS;
  const found = await sessions.lookup(id);
  if (found.state === 'valid') return { kind: 'session', user: found.user, digest: found.digest };
  // Expired or unknown: the browser forgets it, and the request goes on as anonymous.
  clearSessionCookie(request, reply);
  return ANONYMOUS;
}

/** CSRF: a state-changing request made with a session cookie must come from our own pages. */
function checkSource(state: AuthState, request: FastifyRequest, principal: Principal): void {
  if (principal.kind === 'token') return; // a page cannot make a browser send our bearer token
  const own = ownOrigins(request, state.publicOrigins);
  const source = requestSource(request.headers, own);
  if (source === 'same-origin') return;
  // Anonymous requests from non-browsers carry neither header; a session's writes must prove their origin.
  if (source === 'unknown' && principal.kind === 'anonymous') return;
  const mismatch = originMismatch(request.headers, own);
  throw new HttpProblem(
    'csrf-rejected',
    source === 'unknown'
      ? "A change made with a session cookie must come from this wiki's own pages (the browser sends Origin or Sec-Fetch-Site); scripts should use an API token."
      : mismatch === undefined
        ? 'This change comes from another site, so it was refused (cross-site request forgery protection).'
        : `This change does not come from what midair takes to be its own origin, so it was refused (cross-site request forgery protection). ${mismatch}`,
  );
}

/** The guard's checks, in order: authenticate, check the origin, limit writes, authorise. */
async function authorize(state: AuthState, request: FastifyRequest, reply: FastifyReply, access: Access, safe: boolean): Promise<void> {
  const { mode, accounts } = state;
  const principal = await authenticate(state, request, reply);
  request.principal = principal;
  if (!safe) checkSource(state, request, principal);
  if (access === 'public') return;
  if (!safe && principal.kind !== 'anonymous') await state.limits.writes.hit(request);

  const role = principal.kind === 'anonymous' ? undefined : principal.user.role;
  let verdict = decideAccess(mode, role, access);
  let pageProtected = false;
  if (verdict.allowed && access === 'page-write' && accounts && protectionMatters(role)) {
    const name = pageNameOf(request);
    pageProtected = name !== undefined && (await accounts.isProtected(name));
    if (pageProtected) verdict = decideAccess(mode, role, access, true);
  }
  if (!verdict.allowed) throw refusal(verdict, mode, pageProtected);
}

function gatekeeper(state: AuthState): Gatekeeper {
  return {
    // Every response starts hardened; the commonest request, an anonymous read where anyone
    // may read, needs nothing else.
    admitsAtOnce(request, reply, access, safe) {
      hardenAsNonDocument(reply);
      const { headers } = request;
      return safe && headers.authorization === undefined && headers.cookie === undefined && state.mode !== 'private' && (access === 'read' || access === 'public');
    },
    authorize: (request, reply, access, safe) => authorize(state, request, reply, access, safe),
  };
}

/** Nothing of a private wiki may be kept by a shared cache and handed to someone else. */
async function keepPrivate(_request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  const value = reply.getHeader('cache-control');
  if (typeof value === 'string' && !/\b(private|no-store)\b/i.test(value)) {
    const rest = value.split(',').map((d) => d.trim()).filter((d) => d !== '' && d.toLowerCase() !== 'public');
    reply.header('cache-control', ['private', ...rest].join(', '));
  }
  return payload;
}

/** The request's writer: its author's name, and whether protected pages are barred to it. */
function writerOf({ mode, accounts }: AuthState, request: FastifyRequest): Writer {
  const principal = principalOf(request);
  const role = principal.kind === 'anonymous' ? undefined : principal.user.role;
  return {
    author: authorOf(request),
    unlessProtected: accounts !== undefined && protectionMatters(role),
    protectedRefusal() {
      const verdict = decideAccess(mode, role, 'page-write', true);
      return verdict.allowed ? new HttpProblem('page-protected', 'This page is protected: only admins may edit it.') : refusal(verdict, mode, true);
    },
  };
}

/** Checks a name and password under the sign-in rate limits; the user (without the hash), or undefined. */
async function signIn({ accounts, limits }: AuthState, request: FastifyRequest, name: string, password: string): Promise<User | undefined> {
  if (!accounts) return undefined;
  await limits.perAddress.hit(request);
  await limits.perAccount.check(request);
  const user = await accounts.userByName(normalizeUserName(name));
  const ok = user ? await verifyPassword(password, user.passwordHash) : await verifyNobody(password);
  if (!user || !ok || user.disabled) {
    await limits.perAccount.hit(request).catch(() => undefined);
    return undefined;
  }
  const { passwordHash: _hash, ...plain } = user;
  return plain;
}

async function startSession({ sessions }: AuthState, request: FastifyRequest, reply: FastifyReply, user: User): Promise<void> {
  if (!sessions) throw new Error('No account store');
  // A new id at every sign-in: an id planted in the browser beforehand (session fixation) is dropped.
  const old = sessionIdOf(request);
  if (old !== undefined) await sessions.end(old);
  const id = await sessions.start(user);
  sendSessionCookie(request, reply, id, sessions.cookieMaxAgeSeconds);
}

async function endSession({ sessions }: AuthState, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const id = sessionIdOf(request);
  if (id !== undefined && sessions) await sessions.end(id);
  clearSessionCookie(request, reply);
}

/** Guards every route declared from now on (guards.ts), and gives the routes that sign in what they need. */
export async function installAuth(app: FastifyInstance, options: AuthOptions): Promise<Auth> {
  const { mode, accounts } = options;
  if (accounts === undefined && mode !== 'open') throw new Error(`Access mode "${mode}" needs an account store`);

  await app.register(rateLimit, { global: false });
  app.decorateRequest('principal', null);
  const state: AuthState = {
    mode,
    accounts,
    sessions: accounts && new Sessions(accounts, { idleTimeoutMs: options.sessionIdleTimeout ?? 8 * 3_600_000, maxAgeMs: options.sessionMaxAge ?? 7 * 86_400_000 }),
    tokens: accounts && new ApiTokens(accounts),
    publicOrigins: options.publicOrigins ?? [],
    limits: {
      perAddress: createLimit(app, options.loginAddressRateLimit ?? null, (r) => `address:${r.ip}`, 'Too many sign-in attempts from your address.'),
      perAccount: createLimit(app, options.loginRateLimit ?? null, (r) => `account:${normalizeUserName(signInName(r))}`, 'Too many failed sign-ins for this account.'),
      writes: createLimit(app, options.writeRateLimit ?? null, (r) => `user:${(principalOf(r) as { user?: User }).user?.id ?? r.ip}`, 'Too many changes in a short time.'),
    },
  };

  const keeper = gatekeeper(state);
  guardEveryRoute(app, keeper);
  if (mode === 'private') app.addHook('onSend', keepPrivate);

  return {
    mode,
    accounts,
    sessions: state.sessions,
    tokens: state.tokens,
    guardUnrouted: guardHook(keeper, routeAccess(undefined)),
    writer: (request) => writerOf(state, request),
    signIn: (request, name, password) => signIn(state, request, name, password),
    startSession: (request, reply, user) => startSession(state, request, reply, user),
    endSession: (request, reply) => endSession(state, request, reply),
  };
}
