// npm run admin -- <command>: users, their tokens and page protection, on the store the
// server uses (DATA_DIR / DATABASE_URL, or --data-dir / --database-url). Safe to run while
// the server runs: every change is seen by the server at its next request.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { formatHttpDate } from '../conditional/index.js';
import { HttpProblem } from '../http/errors.js';
import { PageRuleError } from '../pages/errors.js';
import { parsePageName } from '../pages/page-name.js';
import { type AccountStore, AccountStoreError, isRole, ROLES, type Role } from '../storage/accounts.js';
import { openAccountStore } from '../storage/index.js';
import { StoreError } from '../storage/store.js';
import {
  AccountRefusal,
  addAccount,
  changeRole,
  checkedUserName,
  disableAccount,
  enableAccount,
  existingUser,
  LAST_ADMIN,
  passwordHashOf,
  removeAccount,
  resetPassword,
  signOutEverywhere,
} from './account-admin.js';
import { readPassword } from './password-prompt.js';

export const ADMIN_USAGE = `Usage: npm run admin -- <command> [options]

  user add NAME [--role reader|editor|admin]   create a user (default role editor); asks for the password
  user list                                     every user, with role, state and tokens
  user role NAME ROLE                           change a user's role
  user disable NAME | user enable NAME          stop or allow sign-in (disabling ends the user's sessions;
                                                their tokens are refused while disabled)
  user reset-password NAME                      set a new password; ends the user's sessions
                                                and revokes their API tokens
  user sign-out NAME                            end every session of the user
  user remove NAME                              delete the user, their sessions and tokens (their
                                                revisions keep their name; prefer disable)
  token list NAME                               a user's API tokens
  token revoke NAME ID | token revoke NAME --all
  page protect NAME | page unprotect NAME       only admins may edit a protected page
  page list                                     the protected pages

  The password is read from the terminal without echo, or as the first line of standard input
  when that is not a terminal:  printf '%s\\n' "$PASSWORD" | npm run admin -- user add alice --role admin

Options:
  --data-dir DIR    DATA_DIR      the SQLite store's folder (default ./data)
  --database-url U  DATABASE_URL  postgres://… to use PostgreSQL
  --force                         allow a change that leaves no enabled admin
  --help                          this text`;

class UsageError extends Error {}
class Refused extends Error {}

interface Io {
  out(line: string): void;
}

function userName(text: string | undefined): string {
  if (text === undefined) throw new UsageError('Name the user.');
  return checkedUserName(text);
}

function role(text: string | undefined): Role {
  if (text === undefined || !isRole(text)) throw new UsageError(`The role must be one of ${ROLES.join(', ')}.`);
  return text;
}

/** Asks for the new password only when it is needed (after the name and role are checked). */
function promptedPasswordHash(name: string): () => Promise<string> {
  return async () => passwordHashOf(await readPassword(`New password for ${name}: `, true));
}

function date(ms: number | null): string {
  return ms === null ? 'never' : formatHttpDate(ms);
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
}

async function run(accounts: AccountStore, args: string[], force: boolean, roleOption: string | undefined, all: boolean, io: Io): Promise<void> {
  const [group, command, ...rest] = args;
  const guard = { force };
  const key = `${group ?? ''} ${command ?? ''}`;
  switch (key) {
    case 'user add': {
      const name = userName(rest[0]);
      const user = await addAccount(accounts, name, role(roleOption ?? 'editor'), promptedPasswordHash(name));
      io.out(`Added ${user.name} (${user.role}).`);
      return;
    }
    case 'user list': {
      const users = await accounts.users();
      if (users.length === 0) {
        io.out('No users yet. Add the first admin with: npm run admin -- user add NAME --role admin');
        return;
      }
      const rows = [['NAME', 'ROLE', 'STATE', 'TOKENS', 'CREATED']];
      for (const u of users) rows.push([u.name, u.role, u.disabled ? 'disabled' : 'enabled', String((await accounts.tokensOf(u.id)).length), date(u.createdAt)]);
      for (const line of table(rows)) io.out(line);
      return;
    }
    case 'user role': {
      const user = await changeRole(accounts, userName(rest[0]), role(rest[1] ?? roleOption), guard);
      io.out(`${user.name} is now ${user.role}.`);
      return;
    }
    case 'user disable': {
      const { user, endedSessions } = await disableAccount(accounts, userName(rest[0]), guard);
      io.out(`Disabled ${user.name}; ended ${endedSessions} session(s). Their tokens are refused until enabled again.`);
      return;
    }
    case 'user enable': {
      const user = await enableAccount(accounts, userName(rest[0]));
      io.out(`Enabled ${user.name}.`);
      return;
    }
    case 'user reset-password': {
      const name = userName(rest[0]);
      const { user, endedSessions, revokedTokens } = await resetPassword(accounts, name, promptedPasswordHash(name));
      io.out(`Set a new password for ${user.name}; ended ${endedSessions} session(s) and revoked ${revokedTokens} API token(s).`);
      return;
    }
    case 'user sign-out': {
      const { user, endedSessions } = await signOutEverywhere(accounts, userName(rest[0]), false);
      io.out(`Ended ${endedSessions} session(s) of ${user.name}.`);
      return;
    }
    case 'user remove': {
      const name = userName(rest[0]);
      await removeAccount(accounts, name, guard);
      io.out(`Removed ${name}, with their sessions and tokens.`);
      return;
    }
    case 'token list': {
      const user = await existingUser(accounts, userName(rest[0]));
      const tokens = await accounts.tokensOf(user.id);
      if (tokens.length === 0) {
        io.out(`${user.name} has no API tokens.`);
        return;
      }
      const rows = [['ID', 'LABEL', 'CREATED', 'LAST USED']];
      for (const t of tokens) rows.push([String(t.id), t.label, date(t.createdAt), date(t.usedAt)]);
      for (const line of table(rows)) io.out(line);
      return;
    }
    case 'token revoke': {
      const user = await existingUser(accounts, userName(rest[0]));
      if (all) {
        io.out(`Revoked ${await accounts.removeTokensOf(user.id)} token(s) of ${user.name}.`);
        return;
      }
      const id = Number(rest[1]);
      if (!Number.isInteger(id) || id < 1) throw new UsageError('Give the token ID (see token list), or --all.');
      if (!(await accounts.removeToken(user.id, id))) throw new Refused(`${user.name} has no token ${id}.`);
      io.out(`Revoked token ${id} of ${user.name}.`);
      return;
    }
    case 'page protect':
    case 'page unprotect': {
      if (rest[0] === undefined) throw new UsageError('Name the page.');
      const name = parsePageName(rest[0]);
      const protect = command === 'protect';
      await accounts.setProtected(name, protect, 'admin-cli', Date.now());
      io.out(protect ? `"${name}" is protected: only admins may edit it.` : `"${name}" is no longer protected.`);
      return;
    }
    case 'page list': {
      const pages = await accounts.protectedPages();
      if (pages.length === 0) io.out('No page is protected.');
      for (const line of pages.length === 0 ? [] : table([['PAGE', 'BY', 'SINCE'], ...pages.map((p) => [p.name, p.by, date(p.since)])])) io.out(line);
      return;
    }
    default:
      throw new UsageError(group === undefined ? 'Name a command.' : `Unknown command "${args.slice(0, 2).join(' ')}".`);
  }
}

/** Runs one command; returns the exit status (0 done, 1 refused or failed, 2 usage). */
export async function runAdmin(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        'data-dir': { type: 'string' },
        'database-url': { type: 'string' },
        role: { type: 'string' },
        force: { type: 'boolean' },
        all: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    console.error(`midair admin: ${(error as Error).message}\n\n${ADMIN_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    (values.help ? io.out : console.error)(ADMIN_USAGE);
    return values.help ? 0 : 2;
  }
  const databaseUrl = values['database-url'] ?? env['DATABASE_URL'];
  if (databaseUrl !== undefined && databaseUrl !== '' && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    console.error('midair admin: DATABASE_URL must be a postgres:// URL');
    return 2;
  }
  let accounts: AccountStore | undefined;
  try {
    accounts = await openAccountStore({
      dataDir: values['data-dir'] ?? env['DATA_DIR'] ?? './data',
      ...(databaseUrl ? { databaseUrl } : {}),
      dbPoolSize: 1,
    });
    await run(accounts, positionals, values.force ?? false, values.role, values.all ?? false, io);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`midair admin: ${error.message}\n\n${ADMIN_USAGE}`);
      return 2;
    }
    if (error instanceof AccountRefusal && error.reason === 'last-admin') {
      console.error(`midair admin: ${LAST_ADMIN.replace(/\.$/, ', or pass --force.')}`);
      return 1;
    }
    if (error instanceof Refused || error instanceof AccountRefusal || error instanceof AccountStoreError || error instanceof StoreError || error instanceof HttpProblem || error instanceof PageRuleError) {
      console.error(`midair admin: ${error.message}`);
      return 1;
    }
    if (error instanceof Error && /nothing was changed/.test(error.message)) {
      console.error(`midair admin: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await accounts?.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  runAdmin(process.argv.slice(2), process.env, { out: (line) => console.log(line) }).then(
    (status) => process.exit(status),
    (error: unknown) => {
      console.error('midair admin failed:', error);
      process.exit(1);
    },
  );
}
