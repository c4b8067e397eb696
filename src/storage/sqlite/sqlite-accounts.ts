// The account store in the embedded SQLite file: a connection of its own beside the page
// store's (WAL lets them share the file), so that the admin tool can change users while a
// server runs. Account rows never touch the page tables.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { type AccountStore, AccountStoreError, type NewUser, type ProtectedPage, type SessionRecord, type TokenRecord, type User, type UserChange, type UserChangeResult, type UserWithPassword } from '../accounts.js';
import { accountDecoder, changedUser, JOINED_USER, keepAnAdmin, PROTECTION_COLUMNS, type ProtectionRow, refusingLastAdmin, type SessionRow, TOKEN_COLUMNS, type TokenRow, type JoinedUserRow, USER_COLUMNS, type UserRow as UserRowOf } from '../account-rows.js';
import { openDatabase } from './connection.js';
import { withStoreErrors } from './errors.js';
import { SQLITE_VALUES } from './values.js';
import { migrate } from './schema.js';

const ROWS = accountDecoder(SQLITE_VALUES);
type UserRow = UserRowOf<number, number>;

export class SqliteAccountStore implements AccountStore {
  private readonly db: Database.Database;
  private readonly s;

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = openDatabase(file, { foreignKeys: true });
    withStoreErrors(() => migrate(this.db));
    const db = this.db;
    this.s = {
      addUser: db.prepare<[string, string, string, number], UserRow>(
        `INSERT INTO users (name, role, password_hash, created_ms) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING ${USER_COLUMNS}`,
      ),
      userByName: db.prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE name = ?`),
      users: db.prepare<[], UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY name`),
      enabledAdmins: db.prepare<[], number>("SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0").pluck(),
      updateUser: db.prepare<Record<string, unknown>, UserRow>(
        `UPDATE users SET role = coalesce(@role, role), disabled = coalesce(@disabled, disabled),
           password_hash = coalesce(@password_hash, password_hash)
         WHERE name = @name RETURNING ${USER_COLUMNS}`,
      ),
      removeUser: db.prepare<[string], UserRow>(`DELETE FROM users WHERE name = ? RETURNING ${USER_COLUMNS}`),

      addSession: db.prepare<[string, number, number, number], unknown>('INSERT INTO sessions (digest, user_id, created_ms, seen_ms) VALUES (?, ?, ?, ?)'),
      session: db.prepare<[string], SessionRow<number, number>>(
        `SELECT s.user_id, s.created_ms, s.seen_ms, ${JOINED_USER} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.digest = ?`,
      ),
      touchSession: db.prepare<[number, string], unknown>('UPDATE sessions SET seen_ms = max(seen_ms, ?) WHERE digest = ?'),
      removeSession: db.prepare<[string], unknown>('DELETE FROM sessions WHERE digest = ?'),
      removeSessionsOf: db.prepare<[number], unknown>('DELETE FROM sessions WHERE user_id = ?'),
      pruneSessions: db.prepare<[number, number], unknown>('DELETE FROM sessions WHERE seen_ms < ? OR created_ms < ?'),

      addToken: db.prepare<[number, string, string, number], TokenRow<number>>(
        `INSERT INTO api_tokens (user_id, label, digest, created_ms) VALUES (?, ?, ?, ?) RETURNING ${TOKEN_COLUMNS}`,
      ),
      token: db.prepare<[string], TokenRow<number> & JoinedUserRow<number, number>>(
        `SELECT t.id, t.user_id, t.label, t.created_ms, t.used_ms, ${JOINED_USER} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.digest = ?`,
      ),
      tokensOf: db.prepare<[number], TokenRow<number>>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE user_id = ? ORDER BY id DESC`),
      touchToken: db.prepare<[number, number], unknown>('UPDATE api_tokens SET used_ms = max(coalesce(used_ms, 0), ?) WHERE id = ?'),
      removeToken: db.prepare<[number, number], unknown>('DELETE FROM api_tokens WHERE user_id = ? AND id = ?'),
      removeTokensOf: db.prepare<[number], unknown>('DELETE FROM api_tokens WHERE user_id = ?'),

      protection: db.prepare<[string], ProtectionRow<number>>(`SELECT ${PROTECTION_COLUMNS} FROM page_protection WHERE name = ?`),
      protect: db.prepare<[string, string, number], unknown>('INSERT INTO page_protection (name, protected_by, since_ms) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING'),
      unprotect: db.prepare<[string], unknown>('DELETE FROM page_protection WHERE name = ?'),
      protectedPages: db.prepare<[], ProtectionRow<number>>(`SELECT ${PROTECTION_COLUMNS} FROM page_protection ORDER BY name`),
    };
  }

  /** Runs `change` in an IMMEDIATE transaction, refusing it when it leaves no enabled admin. */
  private changeKeepingAdmin(change: () => UserRow | undefined, keep: boolean): Promise<UserChangeResult> {
    const run = this.db.transaction((): UserChangeResult => {
      const before = this.s.enabledAdmins.get()!;
      const row = change();
      if (row && keep) keepAnAdmin(before, this.s.enabledAdmins.get()!);
      return changedUser(row, ROWS.toUser);
    });
    return refusingLastAdmin(() => withStoreErrors(() => run.immediate()));
  }

  async addUser(user: NewUser): Promise<User> {
    const row = withStoreErrors(() => this.s.addUser.get(user.name, user.role, user.passwordHash, user.now));
    if (!row) throw new AccountStoreError('exists', `There is already a user named "${user.name}".`);
    return ROWS.toUser(row);
  }

  async userByName(name: string): Promise<UserWithPassword | undefined> {
    const row = withStoreErrors(() => this.s.userByName.get(name));
    return row && ROWS.toUserWithPassword(row);
  }

  async users(): Promise<User[]> {
    return withStoreErrors(() => this.s.users.all()).map(ROWS.toUser);
  }

  async updateUser(name: string, change: UserChange, options: { keepAnAdmin?: boolean } = {}): Promise<UserChangeResult> {
    const params = {
      name,
      role: change.role ?? null,
      disabled: change.disabled === undefined ? null : change.disabled ? 1 : 0,
      password_hash: change.passwordHash ?? null,
    };
    return this.changeKeepingAdmin(() => this.s.updateUser.get(params), options.keepAnAdmin ?? false);
  }

  async removeUser(name: string, options: { keepAnAdmin?: boolean } = {}): Promise<UserChangeResult> {
    return this.changeKeepingAdmin(() => {
      const user = this.s.userByName.get(name);
      if (!user) return undefined;
      // Explicitly, as well as by the foreign keys, in case a connection has them off.
      this.s.removeSessionsOf.run(user.id);
      this.s.removeTokensOf.run(user.id);
      return this.s.removeUser.get(name);
    }, options.keepAnAdmin ?? false);
  }

  async addSession(digest: string, userId: number, now: number): Promise<void> {
    withStoreErrors(() => this.s.addSession.run(digest, userId, now, now));
  }

  async session(digest: string): Promise<{ session: SessionRecord; user: User } | undefined> {
    const row = withStoreErrors(() => this.s.session.get(digest));
    return row && ROWS.toSession(row);
  }

  async touchSession(digest: string, now: number): Promise<void> {
    withStoreErrors(() => this.s.touchSession.run(now, digest));
  }

  async removeSession(digest: string): Promise<void> {
    withStoreErrors(() => this.s.removeSession.run(digest));
  }

  async removeSessionsOf(userId: number): Promise<number> {
    return withStoreErrors(() => this.s.removeSessionsOf.run(userId)).changes;
  }

  async pruneSessions(idleBefore: number, createdBefore: number): Promise<number> {
    return withStoreErrors(() => this.s.pruneSessions.run(idleBefore, createdBefore)).changes;
  }

  async addToken(token: { userId: number; label: string; digest: string; now: number }): Promise<TokenRecord> {
    return ROWS.toToken(withStoreErrors(() => this.s.addToken.get(token.userId, token.label, token.digest, token.now))!);
  }

  async token(digest: string): Promise<{ token: TokenRecord; user: User } | undefined> {
    const row = withStoreErrors(() => this.s.token.get(digest));
    return row && ROWS.toTokenOfUser(row);
  }

  async tokensOf(userId: number): Promise<TokenRecord[]> {
    return withStoreErrors(() => this.s.tokensOf.all(userId)).map(ROWS.toToken);
  }

  async touchToken(id: number, now: number): Promise<void> {
    withStoreErrors(() => this.s.touchToken.run(now, id));
  }

  async removeToken(userId: number, id: number): Promise<boolean> {
    return withStoreErrors(() => this.s.removeToken.run(userId, id)).changes > 0;
  }

  async removeTokensOf(userId: number): Promise<number> {
    return withStoreErrors(() => this.s.removeTokensOf.run(userId)).changes;
  }

  async isProtected(page: string): Promise<boolean> {
    return withStoreErrors(() => this.s.protection.get(page)) !== undefined;
  }

  async protection(page: string): Promise<ProtectedPage | undefined> {
    const row = withStoreErrors(() => this.s.protection.get(page));
    return row && ROWS.toProtectedPage(row);
  }

  async setProtected(page: string, protect: boolean, by: string, now: number): Promise<void> {
    withStoreErrors(() => (protect ? this.s.protect.run(page, by, now) : this.s.unprotect.run(page)));
  }

  async protectedPages(): Promise<ProtectedPage[]> {
    return withStoreErrors(() => this.s.protectedPages.all()).map(ROWS.toProtectedPage);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
