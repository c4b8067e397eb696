// /admin/users: every account, and the forms an admin changes them with. Each form posts to
// its own URL (admin-routes.ts) and comes back here with what was done.
import { ROLES, type Role, type User } from '../../storage/accounts.js';
import { dateTime } from '../format.js';
import { type Html, html } from '../html.js';
import { layout } from '../layout.js';

export interface UserSummary {
  readonly user: User;
  readonly tokens: number;
  /** The latest use of any of the user's API tokens; null when none was used. */
  readonly lastTokenUse: number | null;
}

/** What the last form did, shown once after its redirect. */
export interface AdminNotice {
  readonly text: string;
  /** A generated password, shown this once. */
  readonly password?: { readonly user: string; readonly value: string };
}

export interface AdminUsersModel {
  readonly users: readonly UserSummary[];
  /** The admin looking. */
  readonly me: string;
  readonly notice?: AdminNotice;
  /** The page was asked for with a notice that is gone (shown already, or kept by another process). */
  readonly noticeGone?: boolean;
}

const userPath = (name: string, action: string) => `/admin/users/${encodeURIComponent(name)}/${action}`;

function roleOptions(selected: Role): Html[] {
  return ROLES.map((role) => html`<option value="${role}"${role === selected ? html` selected` : ''}>${role}</option>`);
}

function noticeBlock(model: AdminUsersModel): Html | '' {
  const { notice } = model;
  if (model.noticeGone) {
    return html`<p class="notice" role="status">That notice was shown once already. If it held a generated password, reset the password again to get a new one.</p>`;
  }
  if (!notice) return '';
  return html`<div class="notice success" role="status">
  <p>${notice.text}</p>
  ${
    notice.password
      ? html`<p>The password of <strong>${notice.password.user}</strong> — give it to them now, it is not shown again:</p>
  <p><input class="token-value" readonly value="${notice.password.value}" aria-label="The generated password of ${notice.password.user}"></p>`
      : ''
  }
</div>`;
}

function userCard({ user, tokens, lastTokenUse }: UserSummary, me: string): Html {
  const id = `user-${user.name}`;
  return html`<li class="user-card${user.disabled ? ' disabled' : ''}" id="${id}">
  <h2><span class="who">${user.name}</span>${user.name === me ? html` <span class="hint">(you)</span>` : ''} <span class="role">${user.role}</span>${
    user.disabled ? html` <span class="what deleted">disabled</span>` : ''
  }</h2>
  <p class="meta">${tokens} API token${tokens === 1 ? '' : 's'}${lastTokenUse === null ? '' : html`, last used ${dateTime(lastTokenUse)}`} · added ${dateTime(user.createdAt)}</p>
  <div class="user-actions">
    <form method="post" action="${userPath(user.name, 'role')}" class="inline-field">
      <label for="${id}-role" class="visually-hidden">Role of ${user.name}</label>
      <select id="${id}-role" name="role">${roleOptions(user.role)}</select>
      <button type="submit">Change role</button>
    </form>
    <form method="post" action="${userPath(user.name, user.disabled ? 'enable' : 'disable')}">
      <button type="submit">${user.disabled ? 'Enable' : 'Disable'}</button>
    </form>
    <form method="post" action="${userPath(user.name, 'sign-out')}" class="inline-field">
      <button type="submit">Sign out everywhere</button>
      <label class="check"><input type="checkbox" name="revokeTokens" value="1" checked> and revoke API tokens</label>
    </form>
    <form method="post" action="${userPath(user.name, 'password')}" class="inline-field">
      <label for="${id}-password" class="visually-hidden">New password for ${user.name}</label>
      <input id="${id}-password" name="password" type="password" autocomplete="new-password" maxlength="1024" placeholder="New password (empty: generate)">
      <button type="submit">Reset password</button>
    </form>
  </div>
</li>`;
}

export function adminUsersView(model: AdminUsersModel): Html {
  return layout({
    title: 'Users',
    noindex: true,
    body: html`<article class="admin-screen">
<h1>Users <span class="sub">${model.users.length} account${model.users.length === 1 ? '' : 's'}</span></h1>
${noticeBlock(model)}
<p class="hint">Readers read, editors edit, admins also protect pages and manage users. Disabling a user ends their sessions and stops their API tokens until enabled again; a new password ends their sessions and revokes their tokens. The wiki always keeps one enabled admin.</p>
<ul class="users">
${model.users.map((u) => userCard(u, model.me))}
</ul>
<section aria-labelledby="add-title" class="add-user">
<h2 id="add-title">Add a user</h2>
<form method="post" action="/admin/users" class="field narrow">
  <div class="field"><label for="new-name">User name <span class="hint">a-z, digits, ".", "_", "-"</span></label><input id="new-name" name="name" required maxlength="64" autocapitalize="none" spellcheck="false" autocomplete="off"></div>
  <div class="field"><label for="new-role">Role</label><select id="new-role" name="role">${roleOptions('editor')}</select></div>
  <div class="field"><label for="new-password">Initial password <span class="hint">at least 8 characters; empty: one is generated and shown once</span></label><input id="new-password" name="password" type="password" autocomplete="new-password" maxlength="1024"></div>
  <p class="actions"><button type="submit" class="primary">Add user</button></p>
</form>
</section>
</article>`,
  });
}
