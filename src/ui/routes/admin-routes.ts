// /admin/users: admins manage accounts in the browser, under the rules of `npm run admin`
// (src/auth/account-admin.ts). Every form posts (the auth guard checks its origin), is
// answered with a redirect back to the list (POST-redirect-GET), and is logged for audit:
// who did what to whom.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  AccountRefusal,
  addAccount,
  changeRole,
  checkedRole,
  checkedUserName,
  disableAccount,
  enableAccount,
  generatedPassword,
  passwordHashOf,
  resetPassword,
  signOutEverywhere,
} from '../../auth/account-admin.js';
import { principalOf } from '../../auth/principal.js';
import { HttpProblem } from '../../http/errors.js';
import type { ResourceTable } from '../../http/resources.js';
import type { AccountStore, User } from '../../storage/accounts.js';
import { type FormBody, field, formBody } from '../form-body.js';
import { sendUncachedHtml } from '../html-response.js';
import { OneTimeNotices } from '../one-time-notices.js';
import { type AdminNotice, adminUsersView, type UserSummary } from '../views/admin-views.js';

export interface AdminRouteContext {
  readonly accounts: AccountStore;
  readonly resources: ResourceTable;
}

type UserRequest = FastifyRequest<{ Params: { name: string } }>;
type ListRequest = FastifyRequest<{ Querystring: { notice?: string } }>;

const STATUS_OF: Record<AccountRefusal['reason'], 'bad-request' | 'not-found' | 'account-conflict'> = {
  invalid: 'bad-request',
  'not-found': 'not-found',
  exists: 'account-conflict',
  'last-admin': 'account-conflict',
};

/** A refusal of the account rules as the wiki's error page (4xx, nothing changed). */
function asProblem(error: unknown): unknown {
  return error instanceof AccountRefusal ? new HttpProblem(STATUS_OF[error.reason], `${error.message} Nothing was changed.`) : error;
}

/** The admin making the request (the guard let only admins through). */
function adminOf(request: FastifyRequest): User {
  const principal = principalOf(request);
  if (principal.kind === 'anonymous') throw new HttpProblem('unauthorized', 'Sign in as an admin.', {}, { 'www-authenticate': 'Bearer realm="midair"' });
  return principal.user;
}

function required(body: FormBody, name: string): string {
  const value = field(body, name);
  if (value === undefined) throw new HttpProblem('bad-request', `The form has no "${name}" field. Nothing was changed.`);
  return value;
}

/** The typed password, or one generated when the field was left empty. */
async function chosenPassword(body: FormBody): Promise<{ hash: string; generated?: string }> {
  const typed = field(body, 'password') ?? '';
  if (typed !== '') return { hash: await passwordHashOf(typed) };
  const generated = generatedPassword();
  return { hash: await passwordHashOf(generated), generated };
}

async function summaries(accounts: AccountStore): Promise<UserSummary[]> {
  return Promise.all(
    (await accounts.users()).map(async (user) => {
      const tokens = await accounts.tokensOf(user.id);
      const used = tokens.flatMap((t) => (t.usedAt === null ? [] : [t.usedAt]));
      return { user, tokens: tokens.length, lastTokenUse: used.length === 0 ? null : Math.max(...used) };
    }),
  );
}

export function registerAdminRoutes(app: FastifyInstance, { accounts, resources }: AdminRouteContext): void {
  const notices = new OneTimeNotices<AdminNotice>();

  /** Logs the change for audit (the server's logger: request.log is silent below debug), and sends the admin back to the list. */
  function done(request: FastifyRequest, reply: FastifyReply, audit: Record<string, unknown>, notice: AdminNotice): FastifyReply {
    const admin = adminOf(request);
    request.server.log.info({ audit: { by: admin.name, ...audit } }, `admin ${String(audit['action'])} ${String(audit['user'])} by ${admin.name}`);
    const id = notices.put(admin.id, notice);
    return reply.code(303).header('location', `/admin/users?notice=${id}`).header('cache-control', 'no-store').send();
  }

  async function listUsers(request: ListRequest, reply: FastifyReply) {
    const admin = adminOf(request);
    // A HEAD leaves the notice for the GET that shows it.
    const asked = request.method === 'GET' ? request.query.notice : undefined;
    const notice = asked === undefined ? undefined : notices.take(admin.id, asked);
    const model = { users: await summaries(accounts), me: admin.name, ...(notice ? { notice } : {}), noticeGone: asked !== undefined && !notice };
    return sendUncachedHtml(reply, 200, adminUsersView(model));
  }

  async function addUser(request: FastifyRequest, reply: FastifyReply) {
    const body = formBody(request);
    try {
      const name = checkedUserName(required(body, 'name'));
      const role = checkedRole(required(body, 'role'));
      let generated: string | undefined;
      const user = await addAccount(accounts, name, role, async () => {
        const password = await chosenPassword(body);
        generated = password.generated;
        return password.hash;
      });
      const notice = { text: `Added ${user.name} (${user.role}).`, ...(generated ? { password: { user: user.name, value: generated } } : {}) };
      return done(request, reply, { action: 'user.add', user: user.name, role: user.role, generatedPassword: generated !== undefined }, notice);
    } catch (error) {
      throw asProblem(error);
    }
  }

  /** One change to one named user: `change` does it and says what was done. */
  function userChange(action: string, change: (name: string, body: FormBody) => Promise<{ audit?: Record<string, unknown>; notice: AdminNotice }>) {
    return async (request: UserRequest, reply: FastifyReply) => {
      const body = formBody(request);
      try {
        const name = checkedUserName(request.params.name);
        const { audit, notice } = await change(name, body);
        return done(request, reply, { action, user: name, ...audit }, notice);
      } catch (error) {
        throw asProblem(error);
      }
    };
  }

  const setRole = userChange('user.role', async (name, body) => {
    const user = await changeRole(accounts, name, checkedRole(required(body, 'role')));
    return { audit: { role: user.role }, notice: { text: `${user.name} is now ${user.role}.` } };
  });
  const disable = userChange('user.disable', async (name) => {
    const { user, endedSessions } = await disableAccount(accounts, name);
    return { audit: { endedSessions }, notice: { text: `Disabled ${user.name}; ended ${endedSessions} session(s). Their API tokens are refused until enabled again.` } };
  });
  const enable = userChange('user.enable', async (name) => {
    const user = await enableAccount(accounts, name);
    return { notice: { text: `Enabled ${user.name}.` } };
  });
  const reset = userChange('user.reset-password', async (name, body) => {
    let generated: string | undefined;
    const { user, endedSessions, revokedTokens } = await resetPassword(accounts, name, async () => {
      const password = await chosenPassword(body);
      generated = password.generated;
      return password.hash;
    });
    const text = `Set a new password for ${user.name}; ended ${endedSessions} session(s) and revoked ${revokedTokens} API token(s).`;
    return {
      audit: { endedSessions, revokedTokens, generatedPassword: generated !== undefined },
      notice: { text, ...(generated ? { password: { user: user.name, value: generated } } : {}) },
    };
  });
  const signOut = userChange('user.sign-out', async (name, body) => {
    const { user, endedSessions, revokedTokens } = await signOutEverywhere(accounts, name, field(body, 'revokeTokens') === '1');
    return { audit: { endedSessions, revokedTokens }, notice: { text: `Ended ${endedSessions} session(s) of ${user.name} and revoked ${revokedTokens} API token(s).` } };
  });

  const hide = { hide: true };
  const params = { type: 'object', properties: { name: { type: 'string', maxLength: 256 } }, required: ['name'] } as const;
  const listQuery = { type: 'object', properties: { notice: { type: 'string', maxLength: 64 } } } as const;
  const post = { schema: { ...hide, params }, bodyLimit: 16 * 1024 };
  resources.add(app, '/admin/users', {
    GET: { options: { schema: { ...hide, querystring: listQuery } }, handler: listUsers },
    HEAD: { options: { schema: { ...hide, querystring: listQuery } }, handler: listUsers },
    POST: { options: { schema: hide, bodyLimit: 16 * 1024 }, handler: addUser },
  });
  resources.add(app, '/admin/users/:name/role', { POST: { options: post, handler: setRole } });
  resources.add(app, '/admin/users/:name/disable', { POST: { options: post, handler: disable } });
  resources.add(app, '/admin/users/:name/enable', { POST: { options: post, handler: enable } });
  resources.add(app, '/admin/users/:name/password', { POST: { options: post, handler: reset } });
  resources.add(app, '/admin/users/:name/sign-out', { POST: { options: post, handler: signOut } });
}
