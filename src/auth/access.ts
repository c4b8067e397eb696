// Who may do what: plain values in, a verdict out. The mode and the route's access class
// decide; a protected page additionally needs an admin.
import type { AuthMode } from '../config.js';
import type { Role } from '../storage/accounts.js';

/**
 * public: anyone, even in private mode (sign-in page, static files).
 * read: the mode's readers.  write: the mode's editors.
 * page-write: write one named page: the mode's editors, and admins only if it is protected.
 * signed-in: any signed-in user.  admin: admins.
 */
export type Access = 'public' | 'read' | 'write' | 'page-write' | 'signed-in' | 'admin';

export type Verdict = { readonly allowed: true } | { readonly allowed: false; readonly status: 401 | 403; readonly reason: string };

const RANK: Record<Role, number> = { reader: 1, editor: 2, admin: 3 };

const ALLOWED: Verdict = { allowed: true };

function refuse(role: Role | undefined, reason: string): Verdict {
  // 401 asks for credentials; 403 says the ones given are not enough (RFC 9110 §15.5.2, §15.5.4).
  return role === undefined ? { allowed: false, status: 401, reason: 'Sign in to do this.' } : { allowed: false, status: 403, reason };
}

/** `role` undefined means anonymous. `pageProtected` matters only for page-write. */
export function decideAccess(mode: AuthMode, role: Role | undefined, access: Access, pageProtected = false): Verdict {
  const rank = role === undefined ? 0 : RANK[role];
  switch (access) {
    case 'public':
      return ALLOWED;
    case 'read':
      return mode !== 'private' || rank > 0 ? ALLOWED : refuse(role, '');
    case 'write':
    case 'page-write': {
      // Open mode: anyone edits, signed in or not.
      const canWrite = mode === 'open' || rank >= RANK.editor;
      if (!canWrite) return refuse(role, 'Your account may read but not edit; ask an admin for the editor role.');
      if (access === 'page-write' && pageProtected && rank < RANK.admin) return refuse(role, 'This page is protected: only admins may edit it.');
      return ALLOWED;
    }
    case 'signed-in':
      return rank > 0 ? ALLOWED : refuse(role, '');
    case 'admin':
      return rank >= RANK.admin ? ALLOWED : refuse(role, 'Only admins may do this.');
  }
}

/** Whether a page-write verdict could depend on the page's protection (so it is worth looking up). */
export function protectionMatters(role: Role | undefined): boolean {
  return role !== 'admin';
}
