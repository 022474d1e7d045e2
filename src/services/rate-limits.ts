import { isDuplicateKeyError } from '../db/errors';
import { RateLimitHitModel } from '../db/rate-limit-hit';

/**
 * Rate-limit counts shared by every instance: fixed windows in the database, where each allowed
 * request holds one of the window's `limit` numbered slots (src/db/rate-limit-hit.ts). A request
 * counts the taken slots, then claims the next free one by inserting it (a unique `_id`), moving
 * up on a duplicate: exactly `limit` requests of a window are allowed, however many instances
 * count at once, and one is refused only when every slot is taken. A refused request inserts
 * nothing, so a flood of refused requests does not grow the collection.
 */

export interface RateLimitRuleOf {
  limit: number;
  windowMs: number;
}

export interface WindowCount {
  /** This request's count in its window (above `limit`: refuse it). */
  hits: number;
  /** When the window ends. */
  resetAt: Date;
}

/** The fixed window `now` falls in. The rule is part of it: changing a limit starts new windows. */
export function windowOf(bucket: string, rule: RateLimitRuleOf, key: string, now: Date): { id: string; endsAt: Date } {
  const start = Math.floor(now.getTime() / rule.windowMs) * rule.windowMs;
  return { id: `${bucket}:${rule.limit}/${rule.windowMs}|${key}|${start}`, endsAt: new Date(start + rule.windowMs) };
}

export async function countHit(bucket: string, rule: RateLimitRuleOf, key: string, now: Date): Promise<WindowCount> {
  const window = windowOf(bucket, rule, key, now);
  const taken = await RateLimitHitModel.countDocuments({ window: window.id });
  for (let slot = taken + 1; slot <= rule.limit; slot++) {
    try {
      await RateLimitHitModel.create({ _id: `${window.id}#${slot}`, window: window.id, expiresAt: window.endsAt });
      return { hits: slot, resetAt: window.endsAt };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
  return { hits: rule.limit + 1, resetAt: window.endsAt };
}

/** The current count of a window, without counting a request. */
export async function currentHits(bucket: string, rule: RateLimitRuleOf, key: string, now: Date): Promise<WindowCount> {
  const window = windowOf(bucket, rule, key, now);
  return { hits: await RateLimitHitModel.countDocuments({ window: window.id }), resetAt: window.endsAt };
}

/** Takes back one counted request of the current window (frees its highest taken slot). */
export async function uncountHit(bucket: string, rule: RateLimitRuleOf, key: string, now: Date): Promise<void> {
  const window = windowOf(bucket, rule, key, now);
  const taken = await RateLimitHitModel.countDocuments({ window: window.id });
  if (taken > 0) await RateLimitHitModel.deleteOne({ _id: `${window.id}#${taken}` });
}

/** Forgets the current window of a key (express-rate-limit's resetKey). */
export async function resetWindow(bucket: string, rule: RateLimitRuleOf, key: string, now: Date): Promise<void> {
  await RateLimitHitModel.deleteMany({ window: windowOf(bucket, rule, key, now).id });
}

/** Housekeeping: deletes the hits of windows that have ended. Returns how many. */
export async function removeExpiredRateLimitHits(now: Date): Promise<number> {
  const result = await RateLimitHitModel.deleteMany({ expiresAt: { $lte: now } });
  return result.deletedCount;
}
