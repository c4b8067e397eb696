// The RFC 9110 conditional-request engine: plain values in, a decision out.
// It imports nothing else from midair, so any Node HTTP server can use it.
export { type EntityTag, type EntityTagList, type HeaderValue, parseEntityTag, parseEntityTagList, strongMatch, weakMatch } from './entity-tag.js';
export { formatHttpDate, parseHttpDate, toHttpSeconds } from './http-date.js';
export {
  type ConditionalRequest,
  type CurrentRepresentation,
  type Decision,
  type EvaluateOptions,
  type PreconditionHeader,
  evaluatePreconditions,
  hasWritePrecondition,
} from './preconditions.js';
