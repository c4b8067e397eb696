// Sign-in, the account page (password, API tokens) and page protection.
import type { ProtectedPage, TokenRecord, User } from '../../storage/accounts.js';
import { dateTime, wikiPath } from '../format.js';
import { type Html, html } from '../html.js';
import { layout } from '../layout.js';
import { pageHeader } from './page-chrome.js';

export interface SignInModel {
  readonly next: string;
  readonly username?: string;
  readonly error?: string;
  /** Who is signed in already, if anyone. */
  readonly current?: string;
  readonly mode: string;
}

export function signInView(model: SignInModel): Html {
  return layout({
    title: 'Sign in',
    noindex: true,
    body: html`<article class="account-screen">
<h1>Sign in</h1>
${model.error ? html`<p class="notice error" role="alert">${model.error}</p>` : ''}
${model.current ? html`<p class="notice">You are signed in as <strong>${model.current}</strong>. Signing in again switches to another account.</p>` : ''}
${model.mode === 'private' ? html`<p>This wiki is private: sign in to read it.</p>` : ''}
<form class="sign-in field narrow" method="post" action="/login">
  <input type="hidden" name="next" value="${model.next}">
  <div class="field">
    <label for="username">User name</label>
    <input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="64" value="${model.username ?? ''}"${model.username ? '' : html` autofocus`}>
  </div>
  <div class="field">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"${model.username ? html` autofocus` : ''}>
  </div>
  <p class="actions"><button type="submit" class="primary">Sign in</button></p>
</form>
<p class="hint">Accounts are made by an administrator: <code>npm run admin -- user add NAME</code>.</p>
</article>`,
  });
}

export interface AccountModel {
  readonly user: User;
  readonly tokens: readonly TokenRecord[];
  /** Signed in through a token: the forms here need a browser session. */
  readonly viaToken: boolean;
  readonly notice?: string;
  readonly error?: string;
  /** A token just made: shown this once. */
  readonly newToken?: { readonly label: string; readonly token: string };
}

function tokenRows(tokens: readonly TokenRecord[]): Html {
  if (tokens.length === 0) return html`<p class="empty">You have no API tokens.</p>`;
  return html`<div class="table-wrap"><table class="tokens">
<thead><tr><th scope="col">Label</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Revoke</span></th></tr></thead>
<tbody>
${tokens.map(
  (t) => html`<tr>
  <td>${t.label}</td><td>${dateTime(t.createdAt)}</td><td>${t.usedAt === null ? 'never' : dateTime(t.usedAt)}</td>
  <td><form method="post" action="/account/tokens/${t.id}/revoke"><button type="submit" aria-label="Revoke the token ${t.label}">Revoke</button></form></td>
</tr>
`,
)}</tbody>
</table></div>`;
}

export function accountView(model: AccountModel): Html {
  const { user } = model;
  return layout({
    title: 'Your account',
    noindex: true,
    body: html`<article class="account-screen">
<h1>${user.name} <span class="sub">Your account · ${user.role}</span></h1>
${model.notice ? html`<p class="notice success" role="status">${model.notice}</p>` : ''}
${model.error ? html`<p class="notice error" role="alert">${model.error}</p>` : ''}
${
  model.newToken
    ? html`<div class="notice success new-token" role="status">
  <p>Your new token <strong>${model.newToken.label}</strong> — copy it now, it is not shown again:</p>
  <p><input class="token-value" readonly value="${model.newToken.token}" aria-label="The new API token"></p>
  <p class="hint">Send it as <code>Authorization: Bearer …</code>.</p>
</div>`
    : ''
}
<section aria-labelledby="tokens-title">
<h2 id="tokens-title">API tokens</h2>
<p class="hint">A token acts as you, with your role, for scripts and other programs. Revoking one stops it at once.</p>
${tokenRows(model.tokens)}
<form class="inline-field" method="post" action="/account/tokens">
  <label for="token-label" class="visually-hidden">Label of a new token</label>
  <input id="token-label" name="label" required maxlength="100" placeholder="What the token is for">
  <button type="submit">Create token</button>
</form>
</section>
<section aria-labelledby="password-title">
<h2 id="password-title">Password</h2>
<form class="field narrow" method="post" action="/account/password">
  <input type="text" name="username" value="${user.name}" autocomplete="username" hidden>
  <div class="field"><label for="current-password">Current password</label><input id="current-password" name="current" type="password" autocomplete="current-password" required></div>
  <div class="field"><label for="new-password">New password <span class="hint">at least 8 characters</span></label><input id="new-password" name="password" type="password" autocomplete="new-password" required minlength="8" maxlength="1024"></div>
  <div class="field"><label for="confirm-password">New password again</label><input id="confirm-password" name="confirm" type="password" autocomplete="new-password" required></div>
  <div class="field"><input id="revoke-tokens" name="revokeTokens" type="checkbox" value="1" checked><label for="revoke-tokens">Also revoke my API tokens</label> <span class="hint">(ticked: whoever knew the old password may have made one)</span></div>
  <p class="actions"><button type="submit">Change password</button> <span class="hint">Signs out your other sessions.</span></p>
</form>
</section>
<form method="post" action="/logout"><button type="submit">Sign out</button></form>
</article>`,
  });
}

export function protectionView(name: string, protection: ProtectedPage | undefined, canChange: boolean): Html {
  return layout({
    title: `Protection of ${name}`,
    noindex: true,
    body: html`<article class="protection">
${pageHeader(name, 'protection', html`<span class="sub">Protection of</span> ${name}`)}
<p class="notice${protection ? ' warning' : ''}">${
      protection
        ? html`This page is <strong>protected</strong>: only admins may edit, delete or re-create it. Protected by <span class="who">${protection.by}</span> ${dateTime(protection.since)}.`
        : html`This page is not protected: whoever may edit the wiki may edit it.`
    }</p>
${
  canChange
    ? html`<form method="post" action="${wikiPath.page(name)}/protection">
  <input type="hidden" name="protect" value="${protection ? '0' : '1'}">
  <p class="actions"><button type="submit" class="primary">${protection ? 'Remove protection' : 'Protect this page'}</button></p>
</form>`
    : html`<p class="hint">Only admins can change this.</p>`
}
</article>`,
  });
}
