import { nextFlattrWorth, worthlessReasons, type DonorFunds, type WorthlessReason } from '../../money/flattr-worth';
import { clickPeriodAt } from '../period-closure';
import { clicksOf } from './clicks';

/**
 * Honest flattrs (issue 17 item 2): what a donor's flattr of a thing is worth now, and whether
 * every flattr of theirs is worth nothing yet (no budget, no balance). The arithmetic is
 * money/flattr-worth.ts; this reads the donor's numbers.
 */
export interface FlattrWorthNow {
  /** The flattr's share if the month ended now (koinu). */
  worth: bigint;
  /** Why it is worth nothing yet; empty when the donor has a budget and a balance. */
  reasons: WorthlessReason[];
  /** Already flattred (or subscribed) this month: `worth` is that click's share. */
  counted: boolean;
  /** This month's clicks the budget is split over, this one included. */
  clicks: number;
  funds: DonorFunds;
}

/** For the thing page: the donor's flattr of this thing, counted already or one more. */
export async function flattrWorthNow(donorId: string, thingId: string, serviceFeeBps: number, now: Date): Promise<FlattrWorthNow> {
  const month = await clicksOf(donorId, await clickPeriodAt(now), serviceFeeBps, now);
  const reasons = worthlessReasons(month.funds);
  const existing = month.clicks.find((click) => click.thingId === thingId);
  if (existing !== undefined) return { worth: existing.value, reasons, counted: true, clicks: month.clicks.length, funds: month.funds };
  const worth = nextFlattrWorth({ ...month.funds, clicksSoFar: month.clicks.length, serviceFeeBps });
  return { worth, reasons, counted: false, clicks: month.clicks.length + 1, funds: month.funds };
}
