// The file API (/api/files…) in a scope of its own, whose only body parser hands the upload
// handler the raw request stream: an upload is never buffered by Fastify.
import type { FastifyInstance } from 'fastify';
import { type FileRouteContext, registerFileRoutes } from './files.js';
import { registerFileHistoryRoutes } from './files-history.js';

export async function registerFileApi(app: FastifyInstance, context: FileRouteContext): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    registerFileRoutes(scope, context);
    registerFileHistoryRoutes(scope, context);
  });
}
