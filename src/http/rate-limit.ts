import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type ClientRateLimitInfo, type Store } from 'express-rate-limit';
import { KibbleError } from '../errors';
import { countHit, currentHits, resetWindow, ClaimedBlocks, uncountHit } from '../services/rate-limits';

/**
 * Rate limits per bucket. A route names its bucket (`rateLimit: 'flattr'`); the limiter runs
 * after authentication, so signed-in routes count per account and anonymous ones per client IP.
 *
 * The API routes and the page forms that do the same thing share a bucket (and its counts): a
 * sign-in is a sign-in, through the JSON API or the form.
 *
 * The counts live in the database (services/rate-limits.ts), so all instances behind a load
 * balancer enforce one limit together. No kept MongoDB store for express-rate-limit fitted (the
 * one maintained, rate-limit-mongo, brings its own mongodb 3.x driver and a TTL index that
 * FerretDB 1.x rejects). Behind a proxy, set TRUST_PROXY (deps.trustProxy), or every client shares
 * the proxy's IP.
 */

export const RATE_LIMIT_BUCKETS = ['account-creation', 'sessions', 'flattr', 'mail-requests'] as const;
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
  // Each request may send a mail (password reset, address confirmation): a few an hour per IP or
  // account is plenty for a person and useless for flooding someone's inbox.
  'mail-requests': { limit: 5, windowMs: 60 * MINUTE },
};

/** The local that auth.ts fills; read here to count per account. */
export const ACCOUNT_ID_LOCAL = 'accountId';

export type RateLimiters = Record<RateLimitBucket, RequestHandler>;

/** One limiter per bucket, each with its own store (so one bucket never counts another's hits). */
export function createRateLimiters(overrides: Partial<RateLimitSettings> = {}, clock: () => Date = () => new Date()): RateLimiters {
  const settings: RateLimitSettings = { ...DEFAULT_RATE_LIMITS, ...overrides };
  const entries = RATE_LIMIT_BUCKETS.map((bucket) => [bucket, limiterFor(bucket, settings[bucket], clock)] as const);
  return Object.fromEntries(entries) as RateLimiters;
}

/** express-rate-limit's Store over the shared counts of one bucket, on kibble's clock. */
export class DatabaseRateLimitStore implements Store {
  readonly localKeys = false;
  readonly prefix: string;
  private readonly claimed = new ClaimedBlocks();

  constructor(
    private readonly bucket: RateLimitBucket,
    private readonly rule: RateLimitRule,
    private readonly clock: () => Date,
  ) {
    this.prefix = `${bucket}:`;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const { hits, resetAt } = await countHit(this.bucket, this.rule, key, this.clock(), this.claimed);
    return { totalHits: hits, resetTime: resetAt };
  }

  async get(key: string): Promise<ClientRateLimitInfo> {
    const { hits, resetAt } = await currentHits(this.bucket, this.rule, key, this.clock());
    return { totalHits: hits, resetTime: resetAt };
  }

  async decrement(key: string): Promise<void> {
    await uncountHit(this.bucket, this.rule, key, this.clock(), this.claimed);
  }

  async resetKey(key: string): Promise<void> {
    await resetWindow(this.bucket, this.rule, key, this.clock(), this.claimed);
  }
}

function limiterFor(bucket: RateLimitBucket, rule: RateLimitRule, clock: () => Date): RequestHandler {
  return rateLimit({
    store: new DatabaseRateLimitStore(bucket, rule, clock),
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
