// JSON schemas shared by routes; they validate input and feed the OpenAPI description.
import { PROBLEMS } from './errors.js';

export const nameParams = {
  type: 'object',
  properties: { name: { type: 'string', description: 'Page name: 1–255 characters, percent-encoded UTF-8, one path segment: "/" (a subpage) is sent as %2F' } },
  required: ['name'],
} as const;

/**
 * Request headers are documented, not validated: every conditional header is optional and
 * parsed by the precondition engine, so Fastify-side validation would only cost time on the
 * 304 path. Routes put them under `documentedHeaders`; the OpenAPI transform renames it.
 */
declare module 'fastify' {
  interface FastifySchema {
    /** Request headers for the OpenAPI description only; never validated. */
    documentedHeaders?: unknown;
    /** Path parameters for the OpenAPI description only, for routes that parse them themselves. */
    documentedParams?: unknown;
    /** The request body for the OpenAPI description only, for routes whose content type parser reads it. */
    documentedBody?: unknown;
  }
}

export function documentHeaders(schema: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!schema || !('documentedHeaders' in schema || 'documentedParams' in schema)) return schema;
  const { documentedHeaders, documentedParams, ...rest } = schema;
  return {
    ...rest,
    ...(documentedHeaders === undefined ? {} : { headers: documentedHeaders }),
    ...(documentedParams === undefined ? {} : { params: documentedParams }),
  };
}

export const conditionalHeaders = {
  type: 'object',
  properties: {
    'if-match': { type: 'string', description: 'Entity-tags (strong comparison) or *; a stale or weak tag fails' },
    'if-none-match': { type: 'string', description: 'Entity-tags (weak comparison) or *; * on a write means create-only' },
    'if-modified-since': { type: 'string', description: 'HTTP-date; reads only, ignored when If-None-Match is present' },
    'if-unmodified-since': { type: 'string', description: 'HTTP-date; ignored when If-Match is present' },
    'if-range': { type: 'string', description: 'Strong entity-tag or HTTP-date guarding Range' },
    range: { type: 'string', description: 'bytes=first-last' },
  },
} as const;

export const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', enum: Object.keys(PROBLEMS) },
    currentEtag: { type: ['string', 'null'], description: 'On 412: the current ETag, null when the page does not exist' },
    merge: {
      type: 'object',
      description: 'On a 412 to a PUT whose If-Match names an earlier revision: the three-way merge of that revision, the current page and the request body',
      properties: {
        base: { type: 'string', description: 'The ETag of the revision the client started from' },
        clean: { type: 'boolean', description: 'True when no line was changed on both sides' },
        content: { type: 'string', description: 'The merged text; conflicts appear as marker blocks' },
        conflicts: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              start: { type: 'integer', description: 'First line of the conflict block in content (0-based)' },
              end: { type: 'integer', description: 'Line after the block' },
              mine: { type: 'string' },
              theirs: { type: 'string' },
              base: { type: 'string' },
            },
          },
        },
      },
    },
  },
  required: ['type', 'title', 'status', 'detail', 'code'],
} as const;

export function problemResponses(...statuses: number[]) {
  const responses: Record<number, unknown> = {};
  for (const status of statuses) {
    responses[status] = { description: 'Problem details', content: { 'application/problem+json': { schema: problemSchema } } };
  }
  return responses;
}
