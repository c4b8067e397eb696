// Page bodies are UTF-8 text. Anything else is refused before a handler sees it.
import type { FastifyInstance } from 'fastify';
import { parse as parseContentType } from 'content-type';
import { HttpProblem } from './errors.js';

export const PAGE_MEDIA_TYPES = ['text/markdown', 'text/plain'];

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function registerTextParsers(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(PAGE_MEDIA_TYPES, { parseAs: 'buffer' }, (request, body, done) => {
    let charset: string | undefined;
    try {
      charset = parseContentType(request.headers['content-type'] ?? '').parameters['charset'];
    } catch {
      done(new HttpProblem('unsupported-media-type', 'The Content-Type header is not a valid media type.'), undefined);
      return;
    }
    if (charset !== undefined && charset.toLowerCase() !== 'utf-8') {
      done(new HttpProblem('unsupported-media-type', `Page bodies are UTF-8; charset=${charset} is not accepted.`), undefined);
      return;
    }
    try {
      done(null, utf8.decode(body as Buffer));
    } catch {
      done(new HttpProblem('bad-body-encoding', 'The body is not valid UTF-8; nothing was saved.'), undefined);
    }
  });
}

/** True when the request's media type is one a page body may have. */
export function isPageMediaType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  return PAGE_MEDIA_TYPES.includes(mediaType);
}
