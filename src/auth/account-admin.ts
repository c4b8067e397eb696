// The rules of managing accounts, one place for the admin tool (admin-cli.ts) and the admin
// screen in the browser (src/ui/routes/admin-routes.ts): valid names, roles and passwords, a
// user that exists, never a wiki without an enabled admin (the store decides that atomically,
// account-rows.ts keepAnAdmin), and what a change ends: disabling a user ends their sessions,
// a new password ends them and revokes their tokens.
import { randomBytes } from 'node:crypto';
import { type AccountStore, AccountStoreError, isRole, ROLES, type Role, type User, type UserChangeResult } from '../storage/accounts.js';
import { hashPassword, passwordProblem } from './password.js';
import { normalizeUserName, userNameProblem } from './user-name.js';

export type RefusalReason = 'invalid' | 'not-found' | 'exists' | 'last-admin';

/** A change the rules refuse; nothing was changed. */
export class AccountRefusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'AccountRefusal';
  }
}

export const LAST_ADMIN = 'That would leave no enabled admin, and nobody could manage the wiki from the browser. Make another admin first.';

/** Whether a change may leave the wiki without an enabled admin (the admin tool's --force). */
export interface AdminGuard {
  readonly force?: boolean;
}

export function checkedUserName(text: string): string {
  const name = normalizeUserName(text);
  const problem = userNameProblem(name);
  if (problem) throw new AccountRefusal('invalid', problem);
  return name;
}

export function checkedRole(text: string): Role {
  if (!isRole(text)) throw new AccountRefusal('invalid', `The role must be one of ${ROLES.join(', ')}.`);
  return text;
}

export async function passwordHashOf(password: string): Promise<string> {
  const problem = passwordProblem(password);
  if (problem) throw new AccountRefusal('invalid', problem);
  return hashPassword(password);
}

/** A password for someone to change at once: 96 random bits, in 16 URL-safe characters. */
export function generatedPassword(): string {
  return randomBytes(12).toString('base64url');
}

function notFound(name: string): AccountRefusal {
  return new AccountRefusal('not-found', `There is no user named "${name}".`);
}

function changed(result: UserChangeResult, name: string): User {
  if (result.ok) return result.user;
  throw result.reason === 'not-found' ? notFound(name) : new AccountRefusal('last-admin', LAST_ADMIN);
}

export async function existingUser(accounts: AccountStore, name: string): Promise<User> {
  const found = await accounts.userByName(name);
  if (!found) throw notFound(name);
  const { passwordHash: _hash, ...user } = found;
  return user;
}

/** `passwordHash` is asked for only once the name and role are known to be free and valid. */
export async function addAccount(accounts: AccountStore, name: string, role: Role, passwordHash: () => Promise<string>): Promise<User> {
  if (await accounts.userByName(name)) throw new AccountRefusal('exists', `There is already a user named "${name}".`);
  try {
    return await accounts.addUser({ name, role, passwordHash: await passwordHash(), now: Date.now() });
  } catch (error) {
    if (error instanceof AccountStoreError && error.code === 'exists') throw new AccountRefusal('exists', `There is already a user named "${name}".`);
    throw error;
  }
}

export async function changeRole(accounts: AccountStore, name: string, role: Role, guard: AdminGuard = {}): Promise<User> {
  return changed(await accounts.updateUser(name, { role }, { keepAnAdmin: !guard.force }), name);
}

/** Disables sign-in; their sessions end, and their tokens are refused until enabled again. */
export async function disableAccount(accounts: AccountStore, name: string, guard: AdminGuard = {}): Promise<{ user: User; endedSessions: number }> {
  const user = changed(await accounts.updateUser(name, { disabled: true }, { keepAnAdmin: !guard.force }), name);
  return { user, endedSessions: await accounts.removeSessionsOf(user.id) };
}

export async function enableAccount(accounts: AccountStore, name: string): Promise<User> {
  return changed(await accounts.updateUser(name, { disabled: false }), name);
}

/** A new password ends the user's sessions and revokes their tokens: whoever knew the old one may have made one. */
export async function resetPassword(accounts: AccountStore, name: string, passwordHash: () => Promise<string>): Promise<{ user: User; endedSessions: number; revokedTokens: number }> {
  await existingUser(accounts, name);
  const user = changed(await accounts.updateUser(name, { passwordHash: await passwordHash() }), name);
  return { user, endedSessions: await accounts.removeSessionsOf(user.id), revokedTokens: await accounts.removeTokensOf(user.id) };
}

/** Ends every session of the user, and with `revokeTokens` every API token too. */
export async function signOutEverywhere(accounts: AccountStore, name: string, revokeTokens: boolean): Promise<{ user: User; endedSessions: number; revokedTokens: number }> {
  const user = await existingUser(accounts, name);
  const endedSessions = await accounts.removeSessionsOf(user.id);
  return { user, endedSessions, revokedTokens: revokeTokens ? await accounts.removeTokensOf(user.id) : 0 };
}

export async function removeAccount(accounts: AccountStore, name: string, guard: AdminGuard = {}): Promise<void> {
  changed(await accounts.removeUser(name, { keepAnAdmin: !guard.force }), name);
}
