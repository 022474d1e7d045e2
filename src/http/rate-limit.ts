import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { KibbleError } from '../errors';

/**
 * Rate limits per bucket. A route names its bucket (`rateLimit: 'flattr'`); the limiter runs
 * after authentication, so signed-in routes count per account and anonymous ones per client IP.
 *
 * The store is express-rate-limit's in-memory one: correct for one instance. Behind several
 * API instances each keeps its own counts, so the effective limit is multiplied by the number
 * of instances; production with more than one instance needs a shared store (a MongoDB- or
 * Redis-backed `store` option here). Behind a proxy, set `trustProxy` in the deps, or every
 * client shares the proxy's IP.
 */

export const RATE_LIMIT_BUCKETS = ['account-creation', 'sessions', 'flattr'] as const;
export type RateLimitBucket = (typeof RATE_LIMIT_BUCKETS)[number];

export interface RateLimitRule {
  /** Requests allowed per window and key. */
  limit: number;
  windowMs: number;
}

export type RateLimitSettings = Record<RateLimitBucket, RateLimitRule>;

const MINUTE = 60_000;

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  // Sign-ups are rare per person; this stops scripted handle squatting from one address.
  'account-creation': { limit: 10, windowMs: 60 * MINUTE },
  // Each attempt costs a scrypt hash: the limit bounds both password guessing and CPU use.
  sessions: { limit: 20, windowMs: 15 * MINUTE },
  // Far above what a person clicks, low enough that a script cannot flood the clicks table.
  flattr: { limit: 120, windowMs: MINUTE },
};

/** The local that auth.ts fills; read here to count per account. */
export const ACCOUNT_ID_LOCAL = 'accountId';

/** One limiter per bucket, each with its own store (so one bucket never counts another's hits). */
export function createRateLimiters(overrides: Partial<RateLimitSettings> = {}): Record<RateLimitBucket, RequestHandler> {
  const settings: RateLimitSettings = { ...DEFAULT_RATE_LIMITS, ...overrides };
  const entries = RATE_LIMIT_BUCKETS.map((bucket) => [bucket, limiterFor(bucket, settings[bucket])] as const);
  return Object.fromEntries(entries) as Record<RateLimitBucket, RequestHandler>;
}

function limiterFor(bucket: RateLimitBucket, rule: RateLimitRule): RequestHandler {
  return rateLimit({
    windowMs: rule.windowMs,
    limit: rule.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: bucket,
    keyGenerator: (req, res) => {
      const accountId: unknown = res.locals[ACCOUNT_ID_LOCAL];
      return typeof accountId === 'string' ? `account:${accountId}` : `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
    },
    // Through the one error middleware, so a 429 has the same body as every other error.
    handler: (_req, _res, next) => {
      const seconds = Math.ceil(rule.windowMs / 1000);
      next(new KibbleError('rate-limited', `too many requests (${bucket}: at most ${rule.limit} per ${seconds} s); try again later`));
    },
  });
}
