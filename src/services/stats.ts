import type { Types } from 'mongoose';
import { creatorAccount } from '../money/ledger';
import { CREATOR_PAYOUT_KIND } from '../money/settlement-journal';
import { parsePeriod } from '../money/period';
import { clickPeriodAt } from './period-closure';
import { accountBalance } from './ledger/balances';
import { accountEntriesOfKind } from './ledger/ledger-store';
import { creatorFlattrsPerPeriod, distinctSupporterCount, thingClickCount as storedThingClickCount } from './clicks/click-store';
import { objectIdOf } from './things/things';

/**
 * Payout entries (kind CREATOR_PAYOUT_KIND) move a creator's owed amount out to their payout
 * address. Positive is what the account is owed, so a payout is a negative entry on
 * `creator:<id>`, and what was paid is minus the sum of those entries.
 */
export { CREATOR_PAYOUT_KIND };

export interface PeriodStats {
  period: string;
  flattrs: number;
  /** Paid out for this period's settlement, in koinu. */
  earned: bigint;
}

export interface CreatorStats {
  /** The current period, the one `flattrsThisPeriod` counts. */
  period: string;
  flattrsThisPeriod: number;
  flattrsAllTime: number;
  /** Distinct donors who ever flattred one of the creator's things. */
  distinctSupporters: number;
  /** Paid out so far, in koinu. */
  earned: bigint;
  /** Credited by settlements but not paid yet (below dust, no payout address...), in koinu. */
  owed: bigint;
  /** Every period with flattrs or payouts, oldest first. */
  perPeriod: PeriodStats[];
}

/**
 * A creator's dashboard numbers. The queries stay within what FerretDB answers correctly: one
 * accumulator per $group (it returns 0 for any further one), and amounts summed in JS as bigint
 * (a server-side $sum of Long values is neither needed nor trusted here).
 */
export async function creatorStats(creatorId: string, now: Date): Promise<CreatorStats> {
  const creator = objectIdOf(creatorId, 'account');
  const current = await clickPeriodAt(now);
  const [flattrsByPeriod, supporters, paid, owed] = await Promise.all([
    creatorFlattrsPerPeriod(creator),
    distinctSupporterCount(creator),
    payouts(creator),
    accountBalance(creatorAccount(creator.toHexString())),
  ]);

  const periods = [...new Set([...flattrsByPeriod.keys(), ...paid.byPeriod.keys()])].sort();
  const perPeriod = periods.map((period) => ({
    period,
    flattrs: flattrsByPeriod.get(period) ?? 0,
    earned: paid.byPeriod.get(period) ?? 0n,
  }));
  return {
    period: current,
    flattrsThisPeriod: flattrsByPeriod.get(current) ?? 0,
    flattrsAllTime: perPeriod.reduce((sum, row) => sum + row.flattrs, 0),
    distinctSupporters: supporters,
    earned: paid.total,
    owed,
    perPeriod,
  };
}

/** This period's flattrs of one thing, for its button. Unknown things simply have none. */
export async function thingClickCount(thingId: string, period: string): Promise<number> {
  return storedThingClickCount(objectIdOf(thingId, 'thing'), parsePeriod(period));
}

/**
 * Payout entries carry the period they settle. One without a period (not written by kibble's
 * settlement) counts in the total only: it belongs to no row of the per-period table.
 */
async function payouts(creator: Types.ObjectId): Promise<{ total: bigint; byPeriod: Map<string, bigint> }> {
  const entries = await accountEntriesOfKind(creatorAccount(creator.toHexString()), CREATOR_PAYOUT_KIND);
  const byPeriod = new Map<string, bigint>();
  let total = 0n;
  for (const entry of entries) {
    const paid = -entry.amount;
    total += paid;
    if (entry.period) byPeriod.set(entry.period, (byPeriod.get(entry.period) ?? 0n) + paid);
  }
  return { total, byPeriod };
}
