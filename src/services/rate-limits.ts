import { isDuplicateKeyError } from '../db/errors';
import { RateLimitHitModel } from '../db/rate-limit-hit';

/**
 * Rate-limit counts shared by every instance: fixed windows in the database, where each allowed
 * request holds one of the window's `limit` numbered slots (src/db/rate-limit-hit.ts). A request
 * claims the next slot it believes free by inserting it (a unique `_id`), and on a duplicate
 * counts the taken slots once and moves up from there: exactly `limit` requests of a window are
 * allowed, however many instances count at once, and one is refused only when every slot is
 * taken. A refused request inserts nothing, so a flood of refused requests does not grow the
 * collection.
 *
 * Counting reads the whole window (on FerretDB, the whole collection), so an instance remembers
 * the last slot it saw taken in each window (SlotHints) and starts after it (at slot 1 in a
 * window it has not seen): one insert per request while it is alone, a count only after a
 * collision, nothing at all for a request it already knows to be over the limit.
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

/**
 * One instance's memory of the highest slot it saw taken per window: a lower bound of the
 * window's count (slots are only freed by uncountHit and resetWindow, which forget the hint).
 */
export class SlotHints {
  private readonly lastTaken = new Map<string, { slot: number; endsAt: number }>();

  constructor(private readonly maxWindows = 10_000) {}

  get(windowId: string): number | undefined {
    return this.lastTaken.get(windowId)?.slot;
  }

  set(windowId: string, slot: number, endsAt: Date, now: Date): void {
    if (this.lastTaken.size >= this.maxWindows) this.forgetEnded(now);
    if (this.lastTaken.size >= this.maxWindows) this.lastTaken.clear();
    this.lastTaken.set(windowId, { slot, endsAt: endsAt.getTime() });
  }

  forget(windowId: string): void {
    this.lastTaken.delete(windowId);
  }

  private forgetEnded(now: Date): void {
    for (const [windowId, { endsAt }] of this.lastTaken) if (endsAt <= now.getTime()) this.lastTaken.delete(windowId);
  }
}

export async function countHit(bucket: string, rule: RateLimitRuleOf, key: string, now: Date, hints = new SlotHints()): Promise<WindowCount> {
  const window = windowOf(bucket, rule, key, now);
  const countTaken = () => RateLimitHitModel.countDocuments({ window: window.id });
  // Without a hint, slot 1 first: a window's first request (the usual case) then costs one insert.
  let counted = false;
  let slot = (hints.get(window.id) ?? 0) + 1;
  while (slot <= rule.limit) {
    try {
      await RateLimitHitModel.create({ _id: `${window.id}#${slot}`, window: window.id, expiresAt: window.endsAt });
      hints.set(window.id, Math.max(slot, hints.get(window.id) ?? 0), window.endsAt, now);
      return { hits: slot, resetAt: window.endsAt };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      // Another instance (or request) took it: count once to catch up, then step.
      slot = counted ? slot + 1 : Math.max(slot, await countTaken()) + 1;
      counted = true;
    }
  }
  hints.set(window.id, rule.limit, window.endsAt, now);
  return { hits: rule.limit + 1, resetAt: window.endsAt };
}

/** The current count of a window, without counting a request. */
export async function currentHits(bucket: string, rule: RateLimitRuleOf, key: string, now: Date): Promise<WindowCount> {
  const window = windowOf(bucket, rule, key, now);
  return { hits: await RateLimitHitModel.countDocuments({ window: window.id }), resetAt: window.endsAt };
}

/** Takes back one counted request of the current window (frees its highest taken slot). */
export async function uncountHit(bucket: string, rule: RateLimitRuleOf, key: string, now: Date, hints?: SlotHints): Promise<void> {
  const window = windowOf(bucket, rule, key, now);
  hints?.forget(window.id);
  const taken = await RateLimitHitModel.countDocuments({ window: window.id });
  if (taken > 0) await RateLimitHitModel.deleteOne({ _id: `${window.id}#${taken}` });
}

/** Forgets the current window of a key (express-rate-limit's resetKey). */
export async function resetWindow(bucket: string, rule: RateLimitRuleOf, key: string, now: Date, hints?: SlotHints): Promise<void> {
  const window = windowOf(bucket, rule, key, now);
  hints?.forget(window.id);
  await RateLimitHitModel.deleteMany({ window: window.id });
}

/** Housekeeping: deletes the hits of windows that have ended. Returns how many. */
export async function removeExpiredRateLimitHits(now: Date): Promise<number> {
  const result = await RateLimitHitModel.deleteMany({ expiresAt: { $lte: now } });
  return result.deletedCount;
}
