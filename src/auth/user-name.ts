// User names: short, lower-case ASCII, so that one person cannot appear twice in the history
// under look-alike names.
const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Names the history already uses for something else. */
const RESERVED = new Set(['anonymous', 'someone', 'admin-cli']);

/** The canonical form of a name as typed (case does not matter). */
export function normalizeUserName(text: string): string {
  return text.trim().toLowerCase();
}

/** Why a name cannot be a new user's, or undefined when it can. */
export function userNameProblem(name: string): string | undefined {
  if (!USER_NAME.test(name)) return `"${name}" is not a valid user name: 1 to 64 letters a-z, digits, ".", "_" or "-", starting with a letter or digit.`;
  if (RESERVED.has(name)) return `"${name}" is reserved.`;
  return undefined;
}
