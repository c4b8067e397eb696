// Password hashing with scrypt (node:crypto). The encoded hash names its parameters, so they
// can be raised later without invalidating stored hashes.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** log2 of scrypt's cost N, block size r, parallelism p: about 32 MiB and tens of ms per hash. */
const COST_LOG2 = 15;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
// Parameters read back from the store are bounded, so a tampered row cannot exhaust memory.
const MAX_COST_LOG2 = 20;
const MAX_BLOCK_SIZE = 32;
const MAX_PARALLELISM = 16;

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;

/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `A password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (length > MAX_PASSWORD_LENGTH) return `A password has at most ${MAX_PASSWORD_LENGTH} characters.`;
  return undefined;
}

function derive(password: string, salt: Buffer, costLog2: number, blockSize: number, parallelism: number, keyBytes: number): Promise<Buffer> {
  const N = 2 ** costLog2;
  return new Promise((resolve, reject) => {
    // The same text typed on different keyboards (composed or decomposed accents) is one password.
    scrypt(password.normalize('NFKC'), salt, keyBytes, { N, r: blockSize, p: parallelism, maxmem: 256 * N * blockSize }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** `$scrypt$ln=15,r=8,p=1$<salt>$<key>`, both base64 without padding. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, COST_LOG2, BLOCK_SIZE, PARALLELISM, KEY_BYTES);
  return `$scrypt$ln=${COST_LOG2},r=${BLOCK_SIZE},p=${PARALLELISM}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const ENCODED = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{16,})$/;

/** True when `password` hashes to `encoded`; false for anything unreadable. Constant-time compare. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const match = ENCODED.exec(encoded);
  if (!match) return false;
  const [costLog2, blockSize, parallelism] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (costLog2 < 1 || costLog2 > MAX_COST_LOG2 || blockSize < 1 || blockSize > MAX_BLOCK_SIZE || parallelism < 1 || parallelism > MAX_PARALLELISM) return false;
  const expected = Buffer.from(match[5]!, 'base64url');
  const key = await derive(password, Buffer.from(match[4]!, 'base64url'), costLog2, blockSize, parallelism, expected.length);
  return timingSafeEqual(key, expected);
}

let decoy: Promise<string> | undefined;

/**
 * Spends the time a real check takes, for a sign-in with an unknown name, so the answer's
 * timing does not tell which names exist.
 */
export async function verifyNobody(password: string): Promise<false> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(password, await decoy);
  return false;
}
