import { isDuplicateKeyError } from '../db/errors';
import { SubscriptionModel, type Subscription } from '../db/subscription';
import { ThingModel } from '../db/thing';
import { KibbleError } from '../errors';
import { findThing, objectIdOf } from './things';

/**
 * A subscription adds one click for its thing to every period at settlement, unless the donor
 * clicked the thing that period anyway (DESIGN.md section 1). One per donor and thing, decided by
 * the unique index { donorId, thingId }; unsubscribing deletes it, so re-subscribing is a fresh
 * insert under the same index and gets a new id (a stale DELETE of the old id cannot end it).
 */
export interface SubscriptionView {
  id: string;
  donorId: string;
  thingId: string;
  createdAt: Date;
}

export interface SubscriptionWithThing extends SubscriptionView {
  /** null if the thing is gone (things are not deleted today; the list must not break if they are). */
  thing: { url: string; title: string } | null;
}

export async function subscribe(donorId: string, thingId: string, at: Date): Promise<SubscriptionView> {
  const donor = objectIdOf(donorId, 'account');
  const thing = await findThing(thingId);
  if (thing.ownerId.equals(donor)) {
    throw new KibbleError('own-thing', 'you cannot subscribe to your own thing');
  }
  const doc = { donorId: donor, thingId: thing._id, active: true, createdAt: at, updatedAt: at };
  try {
    return subscriptionView((await SubscriptionModel.create(doc)).toObject());
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  // The pair is taken. kibble never leaves an inactive document behind, but if one exists (written
  // by an older version or by hand) it must not block re-subscribing: delete it and insert once
  // more, still under the unique index, so racing callers get exactly one winner.
  const stale = await SubscriptionModel.deleteOne({ donorId: donor, thingId: thing._id, active: false });
  if (stale.deletedCount > 0) {
    try {
      return subscriptionView((await SubscriptionModel.create(doc)).toObject());
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
  throw new KibbleError('already-subscribed', 'you are already subscribed to this thing', { thingId: thing._id.toHexString() });
}

/**
 * Ends one of the donor's subscriptions. Someone else's subscription id is answered exactly like
 * an unknown one, so ids cannot be probed.
 */
export async function unsubscribe(donorId: string, subscriptionId: string): Promise<void> {
  const donor = objectIdOf(donorId, 'account');
  const id = objectIdOf(subscriptionId, 'subscription');
  const deleted = await SubscriptionModel.deleteOne({ _id: id, donorId: donor });
  if (deleted.deletedCount === 0) throw new KibbleError('not-found', 'no subscription with this id');
}

/** The donor's active subscriptions, oldest first, each with its thing's URL and title. */
export async function subscriptionsOf(donorId: string): Promise<SubscriptionWithThing[]> {
  const subscriptions = await activeSubscriptionsOf(donorId);
  const thingIds = subscriptions.map((subscription) => subscription.thingId);
  const things = thingIds.length === 0 ? [] : await ThingModel.find({ _id: { $in: thingIds } }, { url: 1, title: 1 }).lean();
  const byId = new Map(things.map((thing) => [thing._id.toHexString(), { url: thing.url, title: thing.title }]));
  return subscriptions.map((subscription) => {
    const view = subscriptionView(subscription);
    return { ...view, thing: byId.get(view.thingId) ?? null };
  });
}

/**
 * Stored active subscriptions of a donor, oldest first (the order their settlement clicks get);
 * with `createdBefore`, only those that existed before that instant.
 */
export async function activeSubscriptionsOf(donorId: string, createdBefore?: Date): Promise<Subscription[]> {
  const filter = {
    donorId: objectIdOf(donorId, 'account'),
    active: true,
    ...(createdBefore === undefined ? {} : { createdAt: { $lt: createdBefore } }),
  };
  return SubscriptionModel.find(filter).sort({ createdAt: 1, _id: 1 }).lean();
}

export function subscriptionView(subscription: Subscription): SubscriptionView {
  return {
    id: subscription._id.toHexString(),
    donorId: subscription.donorId.toHexString(),
    thingId: subscription.thingId.toHexString(),
    createdAt: subscription.createdAt,
  };
}
