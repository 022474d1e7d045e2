import { Types } from 'mongoose';
import { periodBounds } from '../../money/period';
import { findActiveSubscriptions } from '../subscriptions/subscription-store';
import { findOwnersOfThings } from '../things/thing-store';
import { clickedPairsOf, clickKey, type Click } from './click-store';

/**
 * The clicks active subscriptions add to a period (DESIGN.md section 1): one per subscription that
 * existed before `cutoff`, unless the donor clicked that thing in the period anyway. Closing a
 * period stores them; until then the donor's estimate and the dry-run plan imply them, from this
 * same function, so what a donor is shown is what the settlement does. Their `at` is the
 * subscription's creation, which orders them among themselves (oldest subscription first) and
 * makes the same subscription give the same click however often this runs.
 */
export interface SubscriptionClick {
  click: Click;
  subscriptionId: Types.ObjectId;
}

/** One donor's subscription clicks, given the things that donor already clicked in the period. */
export interface DonorScope {
  donorId: Types.ObjectId;
  clickedThingIds: ReadonlySet<string>;
}

/** For an estimate made at `now`: subscriptions up to and including `now`, and before the period ended. */
export function estimateCutoff(period: string, now: Date): Date {
  return new Date(Math.min(now.getTime() + 1, periodBounds(period).end.getTime()));
}

export async function subscriptionClicksOf(period: string, cutoff: Date, donor?: DonorScope): Promise<SubscriptionClick[]> {
  const subscriptions = await findActiveSubscriptions({ createdBefore: cutoff, ...(donor === undefined ? {} : { donorId: donor.donorId }) });
  if (subscriptions.length === 0) return [];
  const clicked =
    donor === undefined
      ? new Set((await clickedPairsOf(period)).map((click) => pairKey(click.donorId, click.thingId)))
      : new Set([...donor.clickedThingIds].map((thingId) => `${donor.donorId.toHexString()}:${thingId}`));
  const thingIds = [...new Set(subscriptions.map((s) => s.thingId.toHexString()))].map((id) => new Types.ObjectId(id));
  const ownerOf = await findOwnersOfThings(thingIds);
  const clicks: SubscriptionClick[] = [];
  for (const subscription of subscriptions) {
    const owner = ownerOf.get(subscription.thingId.toHexString());
    // A thing that is gone gets no click; one's own thing cannot be flattred.
    if (owner === undefined || owner.equals(subscription.donorId)) continue;
    if (clicked.has(pairKey(subscription.donorId, subscription.thingId))) continue;
    clicks.push({
      subscriptionId: subscription._id,
      click: {
        _id: clickKey(period, subscription.donorId, subscription.thingId),
        period,
        donorId: subscription.donorId,
        thingId: subscription.thingId,
        creatorId: owner,
        at: subscription.createdAt,
        source: 'subscription',
      },
    });
  }
  // The order the stored clicks are read in ({ at, _id }), so an estimate made before closing
  // splits (remainder koinu included) exactly as the settlement will after storing them.
  return clicks.sort((a, b) => compareClickOrder(a.click, b.click));
}

function compareClickOrder(a: Pick<Click, 'at' | '_id'>, b: Pick<Click, 'at' | '_id'>): number {
  const byTime = a.at.getTime() - b.at.getTime();
  if (byTime !== 0) return byTime;
  return a._id < b._id ? -1 : a._id > b._id ? 1 : 0;
}

function pairKey(donorId: Types.ObjectId, thingId: Types.ObjectId): string {
  return `${donorId.toHexString()}:${thingId.toHexString()}`;
}
