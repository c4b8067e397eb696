// Turns any error into a problem+json response (RFC 9457); a 5xx never shows internals.
import type { FastifyError, FastifyReply } from 'fastify';
import { hardenAsNonDocument } from './security-headers.js';
import { StoreError } from '../storage/store.js';
import { domainProblem } from './domain-problems.js';
import { HttpProblem, type ProblemCode, problemDocument } from './errors.js';
import { dropRepresentationFields } from './validator-headers.js';

const FASTIFY_CODES: Record<string, ProblemCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad-request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad-request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad-request',
  FST_ERR_BAD_URL: 'bad-request',
  FST_ERR_VALIDATION: 'bad-request',
};

const BY_STATUS: Record<number, ProblemCode> = {
  400: 'bad-request',
  404: 'not-found',
  408: 'request-timeout',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'too-many-requests',
};

/** Seconds a client should wait before retrying while the store is unavailable. */
export const STORE_RETRY_AFTER_SECONDS = 2;

export function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  const domain = domainProblem(error);
  if (domain) return domain;
  if (error instanceof StoreError && error.code === 'unavailable') {
    // A connection lost during COMMIT leaves a write's fate unknown, so promise only what holds:
    // retrying with the same precondition is safe (if the write did land, the retry gets 412).
    return new HttpProblem(
      'store-unavailable',
      'The page store cannot be reached right now. Retry after Retry-After seconds; a write retried with the same precondition is never applied twice.',
      {},
      {
        'retry-after': String(STORE_RETRY_AFTER_SECONDS),
      },
    );
  }
  const fastifyError = error as Partial<FastifyError>;
  const code = (fastifyError.code && FASTIFY_CODES[fastifyError.code]) ?? BY_STATUS[fastifyError.statusCode ?? 0];
  if (code) {
    const detail = code === 'payload-too-large' ? 'The body is larger than the configured limit; nothing was saved.' : String(fastifyError.message);
    return new HttpProblem(code, detail);
  }
  return new HttpProblem('internal-error', 'An unexpected error occurred; it has been logged.');
}

export function sendProblem(reply: FastifyReply, problem: HttpProblem, instance?: string): FastifyReply {
  const body = Buffer.from(JSON.stringify(problemDocument(problem, instance)), 'utf8');
  // A problem is about this request, not a representation of the resource: drop the
  // representation's fields but those its status keeps (validator-headers.ts), then add the
  // ones the problem itself carries (ETag on 412, Content-Range on 416, Allow on 405, Retry-After on 503).
  dropRepresentationFields(reply, problem.status);
  for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value);
  reply.header('cache-control', 'no-store');
  // Also for errors raised before any hook ran (a URL that is not valid percent-encoding).
  hardenAsNonDocument(reply);
  return reply.code(problem.status).type('application/problem+json; charset=utf-8').send(body);
}
