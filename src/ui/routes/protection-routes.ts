// /wiki/{name}/protection: whether only admins may edit a page; admins change it here.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { principalOf } from '../../auth/principal.js';
import { parsePageName } from '../../pages/page-name.js';
import type { ResourceTable } from '../../http/resources.js';
import type { AccountStore } from '../../storage/accounts.js';
import { wikiPath } from '../format.js';
import { field, formBody } from '../form-body.js';
import { sendUncachedHtml } from '../html-response.js';
import { protectionView } from '../views/account-views.js';
import { type NameRequest, nameParams } from './context.js';

export function registerProtectionRoutes(app: FastifyInstance, { accounts, resources }: { accounts: AccountStore; resources: ResourceTable }): void {
  async function show(request: NameRequest, reply: FastifyReply) {
    const name = parsePageName(request.params.name);
    const principal = principalOf(request);
    const isAdmin = principal.kind !== 'anonymous' && principal.user.role === 'admin';
    return sendUncachedHtml(reply, 200, protectionView(name, await accounts.protection(name), isAdmin));
  }

  // Only admins reach this (the auth hook); the form says which way to switch, so a repeat is harmless.
  async function change(request: NameRequest, reply: FastifyReply) {
    const name = parsePageName(request.params.name);
    const principal = principalOf(request);
    const by = principal.kind === 'anonymous' ? 'anonymous' : principal.user.name;
    await accounts.setProtected(name, field(formBody(request), 'protect') === '1', by, Date.now());
    return reply.code(303).header('location', `${wikiPath.page(name)}/protection`).header('cache-control', 'no-store').send();
  }

  const hide = { hide: true };
  resources.add(app, '/wiki/:name/protection', {
    GET: { options: { schema: { ...hide, params: nameParams } }, handler: show },
    HEAD: { options: { schema: { ...hide, params: nameParams } }, handler: show },
    POST: { options: { schema: { ...hide, params: nameParams }, bodyLimit: 16 * 1024 }, handler: change },
  });
}
