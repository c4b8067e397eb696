// Fields of an application/x-www-form-urlencoded body, as @fastify/formbody parses it. The
// browser forms send each field once; a field sent twice (username=carol&username=zz) is
// refused, so no two readers of one form can see different values (the sign-in lockout once
// counted "carol,zz" while the password was checked for "carol").
import type { FastifyRequest } from 'fastify';
import { HttpProblem } from '../http/errors.js';

const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

export type FormBody = Readonly<Record<string, string>>;

function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * The request's form fields. 415 unless the body is a URL-encoded form (JSON, text, multipart:
 * RFC 9110 §15.5.16); 400 when a field is repeated.
 */
export function formBody(request: FastifyRequest): FormBody {
  const body = request.body;
  if (mediaTypeOf(request.headers['content-type']) !== FORM_MEDIA_TYPE || body === null || typeof body !== 'object') {
    throw new HttpProblem('unsupported-media-type', `Send the form as ${FORM_MEDIA_TYPE}.`);
  }
  for (const [name, value] of Object.entries(body)) {
    if (typeof value !== 'string') throw new HttpProblem('bad-request', `The form field "${name.slice(0, 64)}" was sent more than once; send each field once. Nothing was changed.`);
  }
  return body as FormBody;
}

/** A field's value; undefined when absent. */
export function field(body: FormBody, name: string): string | undefined {
  return Object.hasOwn(body, name) ? body[name] : undefined;
}
