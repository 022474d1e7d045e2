import { RateLimitHitModel } from '../db/rate-limit-hit';

/**
 * Rate-limit counts shared by every instance: fixed windows in the database, one document per
 * counted request (src/db/rate-limit-hit.ts). A request is counted by inserting its hit and then
 * counting the window, so each request's count includes every request counted before it; hence no
 * more than `limit` requests of a window are ever allowed, however many instances count at once.
 * A request that finds the window full already is refused without an insert, so a flood of
 * refused requests does not grow the collection.
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
  const before = await RateLimitHitModel.countDocuments({ window: window.id });
  if (before >= rule.limit) return { hits: before + 1, resetAt: window.endsAt };
  await RateLimitHitModel.create({ window: window.id, expiresAt: window.endsAt });
  return { hits: await RateLimitHitModel.countDocuments({ window: window.id }), resetAt: window.endsAt };
}

/** The current count of a window, without counting a request. */
export async function currentHits(bucket: string, rule: RateLimitRuleOf, key: string, now: Date): Promise<WindowCount> {
  const window = windowOf(bucket, rule, key, now);
  return { hits: await RateLimitHitModel.countDocuments({ window: window.id }), resetAt: window.endsAt };
}

/** Takes back one counted request of the current window (a request that should not have counted). */
export async function uncountHit(bucket: string, rule: RateLimitRuleOf, key: string, now: Date): Promise<void> {
  await RateLimitHitModel.deleteOne({ window: windowOf(bucket, rule, key, now).id });
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
