// Fields of an application/x-www-form-urlencoded body, as @fastify/formbody parses it.
import { HttpProblem } from '../http/errors.js';

export type FormBody = Record<string, string | string[] | undefined>;

export function formBody(body: unknown): FormBody {
  if (body === null || typeof body !== 'object') {
    throw new HttpProblem('unsupported-media-type', 'Send the form as application/x-www-form-urlencoded.');
  }
  return body as FormBody;
}

/** A field's value (the first, if the field repeats); undefined when absent. */
export function field(body: FormBody, name: string): string | undefined {
  const value = body[name];
  return Array.isArray(value) ? value[0] : value;
}
