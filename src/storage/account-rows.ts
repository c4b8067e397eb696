// Rows of the account tables and the rule both account stores keep, written once. A dialect
// says only how its driver spells BIGINT and booleans (rows.ts RowValues).
import type { ProtectedPage, Role, SessionRecord, TokenRecord, User, UserChangeResult, UserWithPassword } from './accounts.js';
import type { RowValues } from './rows.js';

export const USER_COLUMNS = 'id, name, role, disabled, created_ms, password_hash';
export const TOKEN_COLUMNS = 'id, user_id, label, created_ms, used_ms';
/** The user of a session or token, joined as `u`, with prefixed names. */
export const JOINED_USER = 'u.id AS u_id, u.name AS u_name, u.role AS u_role, u.disabled AS u_disabled, u.created_ms AS u_created_ms';
export const PROTECTION_COLUMNS = 'name, protected_by, since_ms';

export interface UserRow<Big, Flag> {
  id: Big;
  name: string;
  role: Role;
  disabled: Flag;
  created_ms: Big;
  password_hash: string;
}

export interface TokenRow<Big> {
  id: Big;
  user_id: Big;
  label: string;
  created_ms: Big;
  used_ms: Big | null;
}

export interface JoinedUserRow<Big, Flag> {
  u_id: Big;
  u_name: string;
  u_role: Role;
  u_disabled: Flag;
  u_created_ms: Big;
}

export interface SessionRow<Big, Flag> extends JoinedUserRow<Big, Flag> {
  user_id: Big;
  created_ms: Big;
  seen_ms: Big;
}

export interface ProtectionRow<Big> {
  name: string;
  protected_by: string;
  since_ms: Big;
}

/** The account row mappers of one dialect. */
export interface AccountDecoder<Big, Flag> {
  toUser(row: UserRow<Big, Flag>): User;
  toUserWithPassword(row: UserRow<Big, Flag>): UserWithPassword;
  toToken(row: TokenRow<Big>): TokenRecord;
  toSession(row: SessionRow<Big, Flag>): { session: SessionRecord; user: User };
  toTokenOfUser(row: TokenRow<Big> & JoinedUserRow<Big, Flag>): { token: TokenRecord; user: User };
  toProtectedPage(row: ProtectionRow<Big>): ProtectedPage;
}

export function accountDecoder<Big, Flag>(values: RowValues<Big, Flag>): AccountDecoder<Big, Flag> {
  const { number, flag } = values;
  const toUser = (row: UserRow<Big, Flag>): User => ({
    id: number(row.id),
    name: row.name,
    role: row.role,
    disabled: flag(row.disabled),
    createdAt: number(row.created_ms),
  });
  const joined = (row: JoinedUserRow<Big, Flag>): User => ({
    id: number(row.u_id),
    name: row.u_name,
    role: row.u_role,
    disabled: flag(row.u_disabled),
    createdAt: number(row.u_created_ms),
  });
  const toToken = (row: TokenRow<Big>): TokenRecord => ({
    id: number(row.id),
    userId: number(row.user_id),
    label: row.label,
    createdAt: number(row.created_ms),
    usedAt: row.used_ms === null ? null : number(row.used_ms),
  });
  return {
    toUser,
    toUserWithPassword: (row) => ({ ...toUser(row), passwordHash: row.password_hash }),
    toToken,
    toSession: (row) => ({ session: { userId: number(row.user_id), createdAt: number(row.created_ms), seenAt: number(row.seen_ms) }, user: joined(row) }),
    toTokenOfUser: (row) => ({ token: toToken(row), user: joined(row) }),
    toProtectedPage: (row) => ({ name: row.name, by: row.protected_by, since: number(row.since_ms) }),
  };
}

/**
 * The last-admin rule (AccountStore.updateUser, removeUser): thrown inside the change's
 * transaction, so the change is undone, and answered as `last-admin` by refusingLastAdmin.
 */
class LastAdmin extends Error {}

/** Refuses (and so undoes) a change that left no enabled admin where there was one. */
export function keepAnAdmin(before: number, after: number): void {
  if (before > 0 && after === 0) throw new LastAdmin();
}

/** The outcome of a user change: not found when it touched no row. */
export function changedUser<Row>(row: Row | undefined, toUser: (row: Row) => User): UserChangeResult {
  return row ? { ok: true, user: toUser(row) } : { ok: false, reason: 'not-found' };
}

/** Runs a user change in its transaction; a change keepAnAdmin refused is `last-admin`. */
export async function refusingLastAdmin(change: () => UserChangeResult | Promise<UserChangeResult>): Promise<UserChangeResult> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof LastAdmin) return { ok: false, reason: 'last-admin' };
    throw error;
  }
}
