import { GroupCommit, insertEachOnce, type InsertOutcome } from '../db/group-commit';
import { RateLimitHitModel, type RateLimitHit } from '../db/rate-limit-hit';

/**
 * Rate-limit counts shared by every instance: fixed windows in the database. A window's `limit`
 * slots are cut into blocks (src/db/rate-limit-hit.ts holds one document per claimed block); an
 * instance claims the next free block by inserting it (a unique `_id`) and then hands out that
 * block's slots from memory. So the instances together never allow more than `limit` requests a
 * window, however many count at once, and a busy key costs one insert per block, not per request.
 *
 * The price of blocks: slots left unused in another instance's block are not given out, so a
 * client whose requests are spread unevenly can be refused up to (instances - 1) x (block - 1)
 * requests early; never late. Blocks are a tenth of the limit (one slot for limits under 20), so
 * the small limits that guard passwords and sign-ups stay exact.
 *
 * Claiming a block starts after the highest block this instance saw taken, and only a collision
 * costs one count of the window to catch up (on FerretDB, a count reads the whole collection). A
 * refused request inserts nothing, so a flood of refused requests does not grow the collection.
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

const BLOCKS_PER_LIMIT = 10;

/** Slots per claimed block: a tenth of the limit, at least one. */
export function blockSizeFor(limit: number): number {
  return Math.max(1, Math.floor(limit / BLOCKS_PER_LIMIT));
}

/** The fixed window `now` falls in. The rule is part of it: changing a limit starts new windows. */
export function windowOf(bucket: string, rule: RateLimitRuleOf, key: string, now: Date): { id: string; endsAt: Date } {
  const start = Math.floor(now.getTime() / rule.windowMs) * rule.windowMs;
  return { id: `${bucket}:${rule.limit}/${rule.windowMs}|${key}|${start}`, endsAt: new Date(start + rule.windowMs) };
}

/** What one instance holds of a window: its current block's slots, and the highest block it saw taken. */
interface HeldWindow {
  /** The first slot of the block this instance holds. */
  firstSlot: number;
  /** The next slot this instance may hand out (1-based, across the whole window). */
  nextSlot: number;
  /** The last slot of the block this instance holds (nextSlot > lastSlot: nothing left in it). */
  lastSlot: number;
  /** Highest block index known to be taken (by anyone). */
  highestBlock: number;
  endsAt: number;
}

/** One instance's claimed blocks, per window; bounded, windows that ended are dropped first. */
export class ClaimedBlocks {
  private readonly windows = new Map<string, HeldWindow>();

  constructor(private readonly maxWindows = 10_000) {}

  get(windowId: string): HeldWindow | undefined {
    return this.windows.get(windowId);
  }

  set(windowId: string, held: HeldWindow, now: Date): void {
    if (!this.windows.has(windowId) && this.windows.size >= this.maxWindows) this.forgetEnded(now);
    if (!this.windows.has(windowId) && this.windows.size >= this.maxWindows) this.windows.clear();
    this.windows.set(windowId, held);
  }

  forget(windowId: string): void {
    this.windows.delete(windowId);
  }

  private forgetEnded(now: Date): void {
    for (const [windowId, { endsAt }] of this.windows) if (endsAt <= now.getTime()) this.windows.delete(windowId);
  }
}

/** Claims of many keys made at once in this process share one insert (src/db/group-commit.ts). */
const blockClaims = new GroupCommit<RateLimitHit, InsertOutcome>((hits) => insertEachOnce(RateLimitHitModel, hits));

export async function countHit(bucket: string, rule: RateLimitRuleOf, key: string, now: Date, claimed = new ClaimedBlocks()): Promise<WindowCount> {
  const window = windowOf(bucket, rule, key, now);
  const size = blockSizeFor(rule.limit);
  const blocks = Math.ceil(rule.limit / size);
  const held = claimed.get(window.id);
  if (held !== undefined && held.nextSlot <= held.lastSlot) {
    claimed.set(window.id, { ...held, nextSlot: held.nextSlot + 1 }, now);
    return { hits: held.nextSlot, resetAt: window.endsAt };
  }

  let counted = false;
  let block = (held?.highestBlock ?? -1) + 1;
  while (block < blocks) {
    if ((await blockClaims.submit({ _id: `${window.id}#${block}`, window: window.id, expiresAt: window.endsAt })) === 'inserted') {
      const firstSlot = block * size + 1;
      const lastSlot = Math.min((block + 1) * size, rule.limit);
      claimed.set(window.id, { firstSlot, nextSlot: firstSlot + 1, lastSlot, highestBlock: Math.max(block, held?.highestBlock ?? -1), endsAt: window.endsAt.getTime() }, now);
      return { hits: firstSlot, resetAt: window.endsAt };
    }
    // Another instance took it: count the taken blocks once to catch up, then step.
    block = counted ? block + 1 : Math.max(block + 1, await RateLimitHitModel.countDocuments({ window: window.id }));
    counted = true;
  }
  claimed.set(window.id, { firstSlot: rule.limit + 1, nextSlot: rule.limit + 1, lastSlot: rule.limit, highestBlock: blocks - 1, endsAt: window.endsAt.getTime() }, now);
  return { hits: rule.limit + 1, resetAt: window.endsAt };
}

/** The current count of a window as the database knows it (every slot of a claimed block counts). */
export async function currentHits(bucket: string, rule: RateLimitRuleOf, key: string, now: Date): Promise<WindowCount> {
  const window = windowOf(bucket, rule, key, now);
  const taken = await RateLimitHitModel.countDocuments({ window: window.id });
  return { hits: Math.min(rule.limit, taken * blockSizeFor(rule.limit)), resetAt: window.endsAt };
}

/**
 * Takes back one counted request of the current window. With single-slot blocks its block is
 * deleted; otherwise the slot goes back to this instance's block if it came from it (a slot of an
 * earlier block stays counted: stricter, never looser).
 */
export async function uncountHit(bucket: string, rule: RateLimitRuleOf, key: string, now: Date, claimed?: ClaimedBlocks): Promise<void> {
  const window = windowOf(bucket, rule, key, now);
  const held = claimed?.get(window.id);
  if (blockSizeFor(rule.limit) > 1) {
    if (held !== undefined && held.nextSlot > held.firstSlot) claimed?.set(window.id, { ...held, nextSlot: held.nextSlot - 1 }, now);
    return;
  }
  claimed?.forget(window.id);
  const taken = await RateLimitHitModel.countDocuments({ window: window.id });
  if (taken > 0) await RateLimitHitModel.deleteOne({ _id: `${window.id}#${taken - 1}` });
}

/** Forgets the current window of a key (express-rate-limit's resetKey). */
export async function resetWindow(bucket: string, rule: RateLimitRuleOf, key: string, now: Date, claimed?: ClaimedBlocks): Promise<void> {
  const window = windowOf(bucket, rule, key, now);
  claimed?.forget(window.id);
  await RateLimitHitModel.deleteMany({ window: window.id });
}

/** Housekeeping: deletes the claimed blocks of windows that have ended. Returns how many. */
export async function removeExpiredRateLimitHits(now: Date): Promise<number> {
  const result = await RateLimitHitModel.deleteMany({ expiresAt: { $lte: now } });
  return result.deletedCount;
}
