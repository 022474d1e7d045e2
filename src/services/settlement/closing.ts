import { ClickModel } from '../../db/click';
import { isDuplicateKeyError } from '../../db/errors';
import { SettlementModel, type Settlement } from '../../db/settlement';
import { KibbleError } from '../../errors';
import { periodBounds } from '../../money/period';
import { CLOSED_PERIOD_CACHE_MS } from '../period-closure';
import { subscriptionClicksOf } from '../clicks/subscription-clicks';

/** Longer than any instance may believe a closed period is still open (period-closure.ts). */
export const CLOSE_PROPAGATION_MS = CLOSED_PERIOD_CACHE_MS + 500;

export interface CloseOptions {
  now: Date;
  /** Close the current month before it ends (`--close-now`); later clicks go to the next month. */
  early: boolean;
  sleep: (ms: number) => Promise<void>;
}

/**
 * open -> closed: the settlement document is created (its `_id` is the period, so only once), then
 * the subscription clicks are stored as ordinary clicks. Repeating it after a crash finishes what
 * is missing: the click inserts skip what exists under the unique { period, donor, thing } index.
 */
export async function closePeriod(period: string, options: CloseOptions): Promise<Settlement> {
  const { end } = periodBounds(period);
  let settlement = await SettlementModel.findById(period).lean<Settlement>();
  if (settlement === null) {
    if (options.now < end && !options.early) {
      throw new KibbleError('settlement-refused', `${period} has not ended yet; to settle it now, close it early with --close-now (later clicks then go to the next month)`);
    }
    try {
      await SettlementModel.create({ _id: period, period, state: 'closed', closedAt: options.now, closedEarly: options.now < end, createdAt: options.now, updatedAt: options.now });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    settlement = await SettlementModel.findById(period).orFail().lean<Settlement>();
  }
  if (settlement.subscriptionClicksAdded) return settlement;

  const closedAt = settlement.closedAt ?? end;
  if (settlement.closedEarly) {
    // Clicks still arriving at instances that have not seen the closure yet land in this period:
    // wait until every instance has, so none arrives after the clicks are read.
    const wait = closedAt.getTime() + CLOSE_PROPAGATION_MS - Date.now();
    if (wait > 0) await options.sleep(wait);
  }
  const cutoff = new Date(Math.min(closedAt.getTime(), end.getTime()));
  const clicks = (await subscriptionClicksOf(period, cutoff)).map(({ click }) => click);
  if (clicks.length > 0) {
    try {
      await ClickModel.insertMany(clicks, { ordered: false, lean: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
  await SettlementModel.updateOne({ _id: period }, { $set: { subscriptionClicksAdded: true, updatedAt: options.now } });
  return SettlementModel.findById(period).orFail().lean<Settlement>();
}
