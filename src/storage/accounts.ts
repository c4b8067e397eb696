// The account store: users, their sessions and API tokens, and page protection. A separate
// interface from PageStore, kept in the same database by every backend. Nothing here knows
// about HTTP, and no secret is ever stored: sessions and tokens are kept by their digest.

export type Role = 'reader' | 'editor' | 'admin';
export const ROLES: readonly Role[] = ['reader', 'editor', 'admin'];

export interface User {
  readonly id: number;
  /** Lower-case, unique; recorded as the author of the user's revisions. */
  readonly name: string;
  readonly role: Role;
  /** A disabled user cannot sign in, and their sessions and tokens are not accepted. */
  readonly disabled: boolean;
  /** ms since the epoch. */
  readonly createdAt: number;
}

export interface UserWithPassword extends User {
  /** An encoded password hash (see src/auth/password.ts), never the password. */
  readonly passwordHash: string;
}

export interface SessionRecord {
  readonly userId: number;
  /** When the user signed in (the absolute expiry counts from here). */
  readonly createdAt: number;
  /** When the session was last used, to a granularity the caller chooses (the idle expiry). */
  readonly seenAt: number;
}

export interface TokenRecord {
  readonly id: number;
  readonly userId: number;
  readonly label: string;
  readonly createdAt: number;
  /** Last use, to a granularity the caller chooses; null when never used. */
  readonly usedAt: number | null;
}

export interface ProtectedPage {
  readonly name: string;
  /** The admin who protected it. */
  readonly by: string;
  readonly since: number;
}

export interface NewUser {
  readonly name: string;
  readonly role: Role;
  readonly passwordHash: string;
  readonly now: number;
}

export interface UserChange {
  readonly role?: Role;
  readonly disabled?: boolean;
  readonly passwordHash?: string;
}

/**
 * `last-admin`: the change would leave no enabled admin, and `keepAnAdmin` was asked for.
 * The check and the change are one atomic step, so two admins demoting each other at once
 * cannot both succeed.
 */
export type UserChangeResult =
  | { readonly ok: true; readonly user: User }
  | { readonly ok: false; readonly reason: 'not-found' | 'last-admin' };

export interface AccountStore {
  /** Throws AccountStoreError('exists') when the name is taken. */
  addUser(user: NewUser): Promise<User>;
  userByName(name: string): Promise<UserWithPassword | undefined>;
  /** Every user, by name. */
  users(): Promise<User[]>;
  updateUser(name: string, change: UserChange, options?: { keepAnAdmin?: boolean }): Promise<UserChangeResult>;
  /** Removes the user with their sessions and tokens. */
  removeUser(name: string, options?: { keepAnAdmin?: boolean }): Promise<UserChangeResult>;

  addSession(digest: string, userId: number, now: number): Promise<void>;
  /** The session with this digest and its user, whatever their state (the caller judges expiry). */
  session(digest: string): Promise<{ session: SessionRecord; user: User } | undefined>;
  touchSession(digest: string, now: number): Promise<void>;
  removeSession(digest: string): Promise<void>;
  /** Ends every session of a user; returns how many there were. */
  removeSessionsOf(userId: number): Promise<number>;
  /** Deletes sessions last seen before `idleBefore` or created before `createdBefore`. */
  pruneSessions(idleBefore: number, createdBefore: number): Promise<number>;

  addToken(token: { userId: number; label: string; digest: string; now: number }): Promise<TokenRecord>;
  token(digest: string): Promise<{ token: TokenRecord; user: User } | undefined>;
  /** A user's tokens, newest first. */
  tokensOf(userId: number): Promise<TokenRecord[]>;
  touchToken(id: number, now: number): Promise<void>;
  /** Revokes one of the user's tokens; false when the user has no such token. */
  removeToken(userId: number, id: number): Promise<boolean>;
  removeTokensOf(userId: number): Promise<number>;

  isProtected(page: string): Promise<boolean>;
  protection(page: string): Promise<ProtectedPage | undefined>;
  setProtected(page: string, protect: boolean, by: string, now: number): Promise<void>;
  protectedPages(): Promise<ProtectedPage[]>;

  close(): Promise<void>;
}

export class AccountStoreError extends Error {
  constructor(
    readonly code: 'exists',
    message: string,
  ) {
    super(message);
    this.name = 'AccountStoreError';
  }
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
