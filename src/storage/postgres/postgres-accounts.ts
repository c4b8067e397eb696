// The account store in PostgreSQL: the same database and schema as the page store, with a
// small pool of its own. Users, sessions and tokens are not cached in the process, so a revoked
// token, a disabled user or a role change is seen by every process at its next request. The
// names of protected pages are (protected-names.ts), kept in step by NOTIFY.
import { type AccountStore, AccountStoreError, type NewUser, type ProtectedPage, type SessionRecord, type TokenRecord, type User, type UserChange, type UserChangeResult, type UserWithPassword } from '../accounts.js';
import { channelName, type ConnectionPool, createListenConnection, createPool, type PooledConnection, type PostgresStoreOptions } from './driver.js';
import { accountDecoder, changedUser, JOINED_USER, keepAnAdmin, PROTECTION_COLUMNS, type ProtectionRow, refusingLastAdmin, type SessionRow, TOKEN_COLUMNS, type TokenRow, type JoinedUserRow, USER_COLUMNS, type UserRow as UserRowOf } from '../account-rows.js';
import { asStoreError, isConnectionLost } from './errors.js';
import { POSTGRES_VALUES } from './values.js';
import { ProtectedNames } from './protected-names.js';
import { migrate } from './schema.js';

const ROWS = accountDecoder(POSTGRES_VALUES);
type UserRow = UserRowOf<string, boolean>;

const SQL = {
  addUser: `INSERT INTO users (name, role, password_hash, created_ms) VALUES ($1, $2, $3, $4)
            ON CONFLICT (name) DO NOTHING RETURNING ${USER_COLUMNS}`,
  userByName: `SELECT ${USER_COLUMNS} FROM users WHERE name = $1`,
  users: `SELECT ${USER_COLUMNS} FROM users ORDER BY name`,
  // Locks the enabled admins, so a concurrent change that counts them waits for this one.
  lockAdmins: "SELECT id FROM users WHERE role = 'admin' AND NOT disabled FOR UPDATE",
  enabledAdmins: "SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND NOT disabled",
  updateUser: `UPDATE users SET role = coalesce($2, role), disabled = coalesce($3, disabled),
                 password_hash = coalesce($4, password_hash)
               WHERE name = $1 RETURNING ${USER_COLUMNS}`,
  removeUser: `DELETE FROM users WHERE name = $1 RETURNING ${USER_COLUMNS}`,
  addSession: 'INSERT INTO sessions (digest, user_id, created_ms, seen_ms) VALUES ($1, $2, $3, $3)',
  session: `SELECT s.user_id, s.created_ms, s.seen_ms, ${JOINED_USER} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.digest = $1`,
  touchSession: 'UPDATE sessions SET seen_ms = greatest(seen_ms, $2) WHERE digest = $1',
  removeSession: 'DELETE FROM sessions WHERE digest = $1',
  removeSessionsOf: 'DELETE FROM sessions WHERE user_id = $1',
  pruneSessions: 'DELETE FROM sessions WHERE seen_ms < $1 OR created_ms < $2',
  addToken: `INSERT INTO api_tokens (user_id, label, digest, created_ms) VALUES ($1, $2, $3, $4) RETURNING ${TOKEN_COLUMNS}`,
  token: `SELECT t.id, t.user_id, t.label, t.created_ms, t.used_ms, ${JOINED_USER}
          FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.digest = $1`,
  tokensOf: `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY id DESC`,
  touchToken: 'UPDATE api_tokens SET used_ms = greatest(coalesce(used_ms, 0), $2) WHERE id = $1',
  removeToken: 'DELETE FROM api_tokens WHERE user_id = $1 AND id = $2',
  removeTokensOf: 'DELETE FROM api_tokens WHERE user_id = $1',
  protection: `SELECT ${PROTECTION_COLUMNS} FROM page_protection WHERE name = $1`,
  // Each change tells every process's ProtectedNames, from its own transaction ($4, $2: the channel).
  protect: `WITH added AS (INSERT INTO page_protection (name, protected_by, since_ms) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING)
            SELECT pg_notify($4, '+' || $1)`,
  unprotect: `WITH removed AS (DELETE FROM page_protection WHERE name = $1) SELECT pg_notify($2, '-' || $1)`,
  protectedNames: 'SELECT name FROM page_protection',
  protectedPages: `SELECT ${PROTECTION_COLUMNS} FROM page_protection ORDER BY name`,
} as const;

type StatementName = keyof typeof SQL;

export interface PostgresAccountStoreOptions extends Pick<PostgresStoreOptions, 'url' | 'schema' | 'connectTimeoutMs' | 'statementTimeoutMs'> {
  /** Connections of the account store's own pool (default 4). */
  readonly poolSize?: number;
}

export class PostgresAccountStore implements AccountStore {
  private readonly protectedNames: ProtectedNames;

  private constructor(
    private readonly pool: ConnectionPool,
    private readonly channel: string,
    options: PostgresAccountStoreOptions,
  ) {
    this.protectedNames = new ProtectedNames({
      connect: () => createListenConnection(options),
      channel,
      load: async () => (await this.query<{ name: string }>('protectedNames', [])).rows.map((row) => row.name),
    });
  }

  /** Connects and brings the schema up to date (the page store's migrations include the account tables). */
  static async open(options: PostgresAccountStoreOptions): Promise<PostgresAccountStore> {
    const pool = createPool({ ...options, poolSize: options.poolSize ?? 4, applicationName: 'midair-accounts' });
    pool.on('error', () => undefined);
    let schema: string;
    try {
      schema = await migrate(pool, options.schema);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw asStoreError(error);
    }
    return new PostgresAccountStore(pool, channelName('midair_protection', schema), options);
  }

  private async query<Row>(name: StatementName, values: readonly unknown[]): Promise<{ rows: Row[]; rowCount: number }> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = (await this.pool.query({ name: `midair_accounts_${name}`, text: SQL[name], values })) as { rows: Row[]; rowCount?: number | null };
        return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
      } catch (error) {
        // A pooled connection the server dropped while idle: once more, on a fresh one.
        if (attempt === 1 && isConnectionLost(error)) continue;
        throw asStoreError(error);
      }
    }
  }

  private async transaction<T>(work: (connection: PooledConnection) => Promise<T>): Promise<T> {
    let connection: PooledConnection;
    try {
      connection = await this.pool.connect();
    } catch (error) {
      throw asStoreError(error);
    }
    try {
      await connection.query('BEGIN');
      const result = await work(connection);
      await connection.query('COMMIT');
      connection.release();
      return result;
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => undefined);
      connection.release(error instanceof Error ? error : true);
      throw asStoreError(error);
    }
  }

  /** Runs `change` in a transaction that holds the enabled admins' rows, refusing it when it leaves none. */
  private changeKeepingAdmin(change: (connection: PooledConnection) => Promise<UserRow | undefined>, keep: boolean): Promise<UserChangeResult> {
    return refusingLastAdmin(() =>
      this.transaction(async (connection) => {
        const before = keep ? (await connection.query(SQL.lockAdmins)).rows.length : 0;
        const row = await change(connection);
        if (row && keep && before > 0) keepAnAdmin(before, ((await connection.query(SQL.enabledAdmins)).rows[0] as { n: number }).n);
        return changedUser(row, ROWS.toUser);
      }),
    );
  }

  async addUser(user: NewUser): Promise<User> {
    const { rows } = await this.query<UserRow>('addUser', [user.name, user.role, user.passwordHash, user.now]);
    if (!rows[0]) throw new AccountStoreError('exists', `There is already a user named "${user.name}".`);
    return ROWS.toUser(rows[0]);
  }

  async userByName(name: string): Promise<UserWithPassword | undefined> {
    const row = (await this.query<UserRow>('userByName', [name])).rows[0];
    return row && ROWS.toUserWithPassword(row);
  }

  async users(): Promise<User[]> {
    return (await this.query<UserRow>('users', [])).rows.map(ROWS.toUser);
  }

  async updateUser(name: string, change: UserChange, options: { keepAnAdmin?: boolean } = {}): Promise<UserChangeResult> {
    const values = [name, change.role ?? null, change.disabled ?? null, change.passwordHash ?? null];
    return this.changeKeepingAdmin(async (c) => (await c.query(SQL.updateUser, values)).rows[0] as UserRow | undefined, options.keepAnAdmin ?? false);
  }

  async removeUser(name: string, options: { keepAnAdmin?: boolean } = {}): Promise<UserChangeResult> {
    // Sessions and tokens go with the user (ON DELETE CASCADE).
    return this.changeKeepingAdmin(async (c) => (await c.query(SQL.removeUser, [name])).rows[0] as UserRow | undefined, options.keepAnAdmin ?? false);
  }

  async addSession(digest: string, userId: number, now: number): Promise<void> {
    await this.query('addSession', [digest, userId, now]);
  }

  async session(digest: string): Promise<{ session: SessionRecord; user: User } | undefined> {
    const row = (await this.query<SessionRow<string, boolean>>('session', [digest])).rows[0];
    return row && ROWS.toSession(row);
  }

  async touchSession(digest: string, now: number): Promise<void> {
    await this.query('touchSession', [digest, now]);
  }

  async removeSession(digest: string): Promise<void> {
    await this.query('removeSession', [digest]);
  }

  async removeSessionsOf(userId: number): Promise<number> {
    return (await this.query('removeSessionsOf', [userId])).rowCount;
  }

  async pruneSessions(idleBefore: number, createdBefore: number): Promise<number> {
    return (await this.query('pruneSessions', [idleBefore, createdBefore])).rowCount;
  }

  async addToken(token: { userId: number; label: string; digest: string; now: number }): Promise<TokenRecord> {
    return ROWS.toToken((await this.query<TokenRow<string>>('addToken', [token.userId, token.label, token.digest, token.now])).rows[0]!);
  }

  async token(digest: string): Promise<{ token: TokenRecord; user: User } | undefined> {
    const row = (await this.query<TokenRow<string> & JoinedUserRow<string, boolean>>('token', [digest])).rows[0];
    return row && ROWS.toTokenOfUser(row);
  }

  async tokensOf(userId: number): Promise<TokenRecord[]> {
    return (await this.query<TokenRow<string>>('tokensOf', [userId])).rows.map(ROWS.toToken);
  }

  async touchToken(id: number, now: number): Promise<void> {
    await this.query('touchToken', [id, now]);
  }

  async removeToken(userId: number, id: number): Promise<boolean> {
    return (await this.query('removeToken', [userId, id])).rowCount > 0;
  }

  async removeTokensOf(userId: number): Promise<number> {
    return (await this.query('removeTokensOf', [userId])).rowCount;
  }

  async isProtected(page: string): Promise<boolean> {
    return this.protectedNames.has(page) ?? (await this.query('protection', [page])).rows.length > 0;
  }

  async protection(page: string): Promise<ProtectedPage | undefined> {
    const row = (await this.query<ProtectionRow<string>>('protection', [page])).rows[0];
    return row && ROWS.toProtectedPage(row);
  }

  async setProtected(page: string, protect: boolean, by: string, now: number): Promise<void> {
    if (protect) await this.query('protect', [page, by, now, this.channel]);
    else await this.query('unprotect', [page, this.channel]);
    this.protectedNames.committed(page, protect);
  }

  async protectedPages(): Promise<ProtectedPage[]> {
    return (await this.query<ProtectionRow<string>>('protectedPages', [])).rows.map(ROWS.toProtectedPage);
  }

  private closing: Promise<void> | undefined;

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.protectedNames.close();
      await this.pool.end();
    })();
    return this.closing;
  }
}
