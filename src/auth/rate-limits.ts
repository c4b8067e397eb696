// Rate limits on @fastify/rate-limit's counters: sign-in attempts per client address, failed
// sign-ins per account, and writes per signed-in user. Each counter lives in the process
// (with --workers, each worker counts for itself).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RateLimitSetting } from '../config.js';
import { HttpProblem } from '../http/errors.js';

export interface Limit {
  /** Counts one more; refused when that goes past the limit. */
  hit(request: FastifyRequest): Promise<void>;
  /** Refused when the limit is already used up, without counting. */
  check(request: FastifyRequest): Promise<void>;
}

const NO_LIMIT: Limit = { hit: async () => undefined, check: async () => undefined };

/** Keys kept per counter; the least recently used is forgotten beyond this. */
const KEYS = 20_000;

export function createLimit(app: FastifyInstance, setting: RateLimitSetting | null, key: (request: FastifyRequest) => string, detail: string): Limit {
  if (setting === null) return NO_LIMIT;
  const limiter = app.createRateLimit({ max: setting.max, timeWindow: setting.windowMs, keyGenerator: key, cache: KEYS } as Parameters<FastifyInstance['createRateLimit']>[0]);
  const refuse = (ttlMs: number): never => {
    const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
    throw new HttpProblem('too-many-requests', `${detail} Try again in ${seconds} s.`, { retryAfter: seconds }, { 'retry-after': String(seconds) });
  };
  return {
    async hit(request) {
      const result = await limiter(request);
      if (!result.isAllowed && result.isExceeded) refuse(result.ttl);
    },
    async check(request) {
      const result = await limiter(request, { increment: false });
      if (!result.isAllowed && result.remaining === 0) refuse(result.ttl);
    },
  };
}
