import { Types } from 'mongoose';
import { ClickModel, type Click } from '../../db/click';
import { SubscriptionModel } from '../../db/subscription';
import { ThingModel } from '../../db/thing';

/**
 * The clicks active subscriptions add to a period (DESIGN.md section 1): one per subscription that
 * existed before `cutoff`, unless the donor clicked that thing in the period anyway. Their `at` is
 * the subscription's creation, which orders them among themselves (oldest subscription first) and
 * makes the same subscription give the same click however often this runs.
 */
export async function subscriptionClicksOf(period: string, cutoff: Date): Promise<Click[]> {
  const subscriptions = await SubscriptionModel.find({ active: true, createdAt: { $lt: cutoff } }, { donorId: 1, thingId: 1, createdAt: 1 })
    .sort({ createdAt: 1, _id: 1 })
    .lean();
  if (subscriptions.length === 0) return [];
  const clicked = new Set((await ClickModel.find({ period }, { donorId: 1, thingId: 1, _id: 0 }).lean()).map((click) => pairKey(click.donorId, click.thingId)));
  const things = await ThingModel.find({ _id: { $in: [...new Set(subscriptions.map((s) => s.thingId.toHexString()))] } }, { ownerId: 1 }).lean();
  const ownerOf = new Map(things.map((thing) => [thing._id.toHexString(), thing.ownerId]));
  const clicks: Click[] = [];
  for (const subscription of subscriptions) {
    const owner = ownerOf.get(subscription.thingId.toHexString());
    // A thing that is gone gets no click; one's own thing cannot be flattred.
    if (owner === undefined || owner.equals(subscription.donorId)) continue;
    if (clicked.has(pairKey(subscription.donorId, subscription.thingId))) continue;
    clicks.push({
      _id: new Types.ObjectId(),
      period,
      donorId: subscription.donorId,
      thingId: subscription.thingId,
      creatorId: owner,
      at: subscription.createdAt,
      source: 'subscription',
    });
  }
  return clicks;
}

function pairKey(donorId: Types.ObjectId, thingId: Types.ObjectId): string {
  return `${donorId.toHexString()}:${thingId.toHexString()}`;
}
