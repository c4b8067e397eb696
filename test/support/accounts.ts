// Accounts for the HTTP suites: users made with the real admin tool (dist/auth/admin-cli.js),
// sessions from the real sign-in form, tokens from the real account page; and, for expiry
// cases, a session aged in the database itself.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { form } from '../e2e/html.js';
import { type HttpResponse, request } from './http.js';

const ADMIN_CLI = join(import.meta.dirname, '..', '..', 'dist', 'auth', 'admin-cli.js');

/** Where a server keeps its data: its folder, and a DATABASE_URL when it runs on PostgreSQL. */
export interface StoreTarget {
  readonly dataDir: string;
  readonly databaseUrl?: string;
}

export interface AdminRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `npm run admin -- <args>` as the built file, with `stdin` piped in (not a terminal). */
export function runAdmin(target: StoreTarget, args: readonly string[], stdin = '', env: Record<string, string> = {}): Promise<AdminRun> {
  const child = spawn(process.execPath, [ADMIN_CLI, ...args], {
    env: { ...process.env, DATA_DIR: target.dataDir, DATABASE_URL: target.databaseUrl ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function passwordOf(name: string): string {
  return `${name}-secret-password`;
}

export async function addUser(target: StoreTarget, name: string, role: 'reader' | 'editor' | 'admin', password = passwordOf(name)): Promise<void> {
  const run = await runAdmin(target, ['user', 'add', name, '--role', role], `${password}\n`);
  if (run.code !== 0) throw new Error(`user add ${name}: ${run.code} ${run.stderr}`);
}

/** The midair_session value a response sets, '' when it clears it, undefined when it does not touch it. */
export function sessionCookieOf(res: HttpResponse): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const line = cookies.find((c) => c.startsWith('midair_session='));
  return line === undefined ? undefined : /^midair_session=([^;]*)/.exec(line)![1]!;
}

export function setCookieLine(res: HttpResponse): string | undefined {
  return ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('midair_session='));
}

export function cookie(session: string): string {
  return `midair_session=${session}`;
}

/** What a browser sends with a form post from one of the wiki's own pages. */
export function sameOrigin(base: string): Record<string, string> {
  return { origin: base, 'sec-fetch-site': 'same-origin' };
}

export function postForm(base: string, path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpResponse> {
  return request(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: form(fields),
  });
}

/** Signs in through the form; returns the session id. */
export async function signIn(base: string, name: string, password = passwordOf(name), headers: Record<string, string> = {}): Promise<string> {
  const res = await postForm(base, '/login', { username: name, password }, headers);
  const session = sessionCookieOf(res);
  if (res.status !== 303 || !session) throw new Error(`sign-in of ${name}: ${res.status} ${res.text()}`);
  return session;
}

/** The `midair_new_token=…` pair a response sets (the token just made, for the redirect's GET). */
export function newTokenCookieOf(res: HttpResponse): string | undefined {
  const line = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('midair_new_token='));
  return line?.split(';')[0];
}

/** The token value an account page shows, if any. */
export function shownToken(page: HttpResponse): string | undefined {
  return /value="(midair_[A-Za-z0-9_-]{43})"/.exec(page.text())?.[1];
}

/** Creates an API token on the account page, as a browser does (POST, then the 303's GET); returns it. */
export async function createToken(base: string, session: string, label = 'test'): Promise<string> {
  const res = await postForm(base, '/account/tokens', { label }, { cookie: cookie(session), ...sameOrigin(base) });
  const carried = newTokenCookieOf(res);
  if (res.status !== 303 || res.headers.location !== '/account' || !carried) throw new Error(`create token: ${res.status} ${res.text()}`);
  const page = await request(`${base}/account`, { headers: { cookie: `${cookie(session)}; ${carried}` } });
  const token = shownToken(page);
  if (page.status !== 200 || !token) throw new Error(`create token, the account page: ${page.status} ${page.text()}`);
  return token;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

function digest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Makes a session look signed in and last used long ago, in the database itself. */
export async function ageSession(target: StoreTarget, session: string, by = { idleMs: 365 * 86_400_000, createdMs: 365 * 86_400_000 }): Promise<void> {
  const now = Date.now();
  const values = [now - by.createdMs, now - by.idleMs, digest(session)];
  if (target.databaseUrl) {
    const client = new pg.Client({ connectionString: target.databaseUrl });
    await client.connect();
    try {
      await client.query('UPDATE sessions SET created_ms = $1, seen_ms = $2 WHERE digest = $3', values);
    } finally {
      await client.end();
    }
    return;
  }
  const db = new Database(join(target.dataDir, 'midair.sqlite3'));
  try {
    db.pragma('busy_timeout = 2000');
    db.prepare('UPDATE sessions SET created_ms = ?, seen_ms = ? WHERE digest = ?').run(...values);
  } finally {
    db.close();
  }
}
