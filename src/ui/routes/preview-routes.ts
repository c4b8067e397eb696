// POST /wiki/{name}/preview: the editor's text rendered exactly as the page would be (the same
// worker-pool render, sanitising and link lookups as a page view, shown as its source when it
// runs out of time), as an HTML fragment for the live preview beside the editor. The form
// without JavaScript previews through POST /wiki/{name} (intent=preview) with the same render.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { HttpProblem } from '../../http/errors.js';
import { parsePageName } from '../../pages/page-name.js';
import { normalizeNewlines } from '../../pages/index.js';
import { field, formBody } from '../form-body.js';
import { trusted } from '../html.js';
import { sendUncachedHtml } from '../html-response.js';
import { type NameRequest, nameParams, type WikiRouteContext } from './context.js';

export function registerPreviewRoutes(app: FastifyInstance, { renderer, resources, maxPageBytes }: WikiRouteContext): void {
  async function preview(request: NameRequest, reply: FastifyReply) {
    parsePageName(request.params.name);
    const content = normalizeNewlines(field(formBody(request), 'content') ?? '');
    if (Buffer.byteLength(content, 'utf8') > maxPageBytes) {
      throw new HttpProblem('payload-too-large', `A page has at most ${maxPageBytes} bytes; this text cannot be previewed or saved.`);
    }
    // An answer to this text only: sendUncachedHtml marks it no-store.
    return sendUncachedHtml(reply, 200, trusted(renderer.html(await renderer.preview(content))));
  }

  resources.add(app, '/wiki/:name/preview', {
    // The editor form's limit (POST /wiki/{name}); the text itself is held to the page limit above.
    POST: { options: { schema: { hide: true, params: nameParams }, bodyLimit: maxPageBytes * 8 }, handler: preview },
  });
}
