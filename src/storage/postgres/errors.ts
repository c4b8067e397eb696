// Which driver errors mean "the database cannot be reached right now" (the HTTP layer answers
// 503 and the client retries) rather than a bug (500).
import { StoreError } from '../store.js';

// SQLSTATEs (PostgreSQL manual, appendix A) that say the server, not the statement, is the problem.
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: the server is stopping, or pg_terminate_backend
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or in recovery
  '57014', // query_canceled: statement_timeout, the server is too slow to answer
  '55P03', // lock_not_available: lock_timeout
  '53300', // too_many_connections
  '53100', // disk_full
  '53200', // out_of_memory
]);

const UNAVAILABLE_SYSCALL_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// node-postgres reports a lost or timed-out connection with a bare message and no code.
const UNAVAILABLE_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|timeout expired)/;

function codeOf(error: object): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = codeOf(error);
  if (code !== undefined) {
    // Class 08: connection exception.
    if (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SYSCALL_CODES.has(code)) return true;
  }
  if (error instanceof Error && UNAVAILABLE_MESSAGES.test(error.message)) return true;
  // Connecting to "localhost" tries every address and reports all failures together.
  if (error instanceof AggregateError) return error.errors.some(isUnavailable);
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isUnavailable(cause);
}

const LOST_CONNECTION_CODES = new Set(['57P01', '57P02', 'ECONNRESET', 'EPIPE']);
const LOST_CONNECTION_MESSAGES = /^(Connection terminated unexpectedly|Client has encountered a connection error)/;

/**
 * The connection died under the statement (the server restarted or dropped it while it sat
 * idle in the pool), as opposed to a refusal or a timeout: worth one try on a fresh connection.
 */
export function isConnectionLost(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = codeOf(error);
  if (code !== undefined && LOST_CONNECTION_CODES.has(code)) return true;
  return error instanceof Error && LOST_CONNECTION_MESSAGES.test(error.message);
}

/** A StoreError('unavailable') for a connection problem; any other error unchanged. */
export function asStoreError(error: unknown): unknown {
  if (error instanceof StoreError || !isUnavailable(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new StoreError('unavailable', `PostgreSQL is unavailable: ${detail}`, { cause: error });
}
