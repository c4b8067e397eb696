// Session ids and API tokens: 256 random bits, handed to the client once and kept by the
// server only as a SHA-256 digest, so a copy of the database lets no one sign in.
import { createHash, randomBytes } from 'node:crypto';

/** API tokens carry a prefix, so they are recognisable in a leaked file or a secret scanner. */
export const TOKEN_PREFIX = 'midair_';

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function newApiToken(): string {
  return `${TOKEN_PREFIX}${newSecret()}`;
}

export function digestOf(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A session id or token as this server makes them; anything else is not looked up. */
export function isWellFormedSecret(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

export function isWellFormedToken(value: string): boolean {
  return value.startsWith(TOKEN_PREFIX) && isWellFormedSecret(value.slice(TOKEN_PREFIX.length));
}
