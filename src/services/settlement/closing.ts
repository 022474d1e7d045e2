import { KibbleError } from '../../errors';
import { periodBounds } from '../../money/period';
import { insertClicksOnce } from '../clicks/click-store';
import { subscriptionClicksOf } from '../clicks/subscription-clicks';
import { CLOSED_PERIOD_CACHE_MS } from '../period-closure';
import { closeMonth, findSettlement, markSubscriptionClicksAdded, requireSettlement, type Settlement } from './settlement-store';

/** Longer than any instance may believe a closed period is still open (period-closure.ts). */
export const CLOSE_PROPAGATION_MS = CLOSED_PERIOD_CACHE_MS + 500;

export interface CloseOptions {
  /** The instant of the closing (when the run started). */
  now: Date;
  /** The run's clock: how long is left to wait before the clicks are read. */
  clock: () => Date;
  /** Close the current month before it ends (`--close-now`); later clicks go to the next month. */
  early: boolean;
  sleep: (ms: number) => Promise<void>;
}

/**
 * open -> closed: the settlement document is created (its `_id` is the period, so only once), then
 * the subscription clicks are stored as ordinary clicks. Repeating it after a crash finishes what
 * is missing: the click inserts skip what exists (a click's `_id` is its { period, donor, thing } key).
 */
export async function closePeriod(period: string, options: CloseOptions): Promise<Settlement> {
  const { end } = periodBounds(period);
  let settlement = await findSettlement(period);
  if (settlement === null) {
    const { now } = options;
    if (now < end && !options.early) {
      throw new KibbleError('settlement-refused', `${period} has not ended yet; to settle it now, close it early with --close-now (later clicks then go to the next month)`);
    }
    // False when another run closed it first: what it stored is read below.
    await closeMonth(period, { closedAt: now, closedEarly: now < end });
    settlement = await requireSettlement(period);
  }
  // Past closed, the plan has read the clicks: nothing may be added any more.
  if (settlement.subscriptionClicksAdded || settlement.state !== 'closed') return settlement;

  const closedAt = settlement.closedAt ?? end;
  if (settlement.closedEarly) {
    // Clicks still arriving at instances that have not seen the closure yet land in this period:
    // wait until every instance has, so none arrives after the clicks are read.
    const wait = closedAt.getTime() + CLOSE_PROPAGATION_MS - options.clock().getTime();
    if (wait > 0) await options.sleep(wait);
  }
  const cutoff = new Date(Math.min(closedAt.getTime(), end.getTime()));
  await insertClicksOnce((await subscriptionClicksOf(period, cutoff)).map(({ click }) => click));
  await markSubscriptionClicksAdded(period, options.now);
  return requireSettlement(period);
}
