import type { Types } from 'mongoose';
import { isDuplicateKeyError } from '../../db/errors';
import { OneWriterPerKey } from '../../db/one-writer-per-key';
import { SubscriptionModel, type Subscription } from '../../db/subscription';

/**
 * The subscriptions collection's owner: the only module that reads or writes it. Unsubscribing
 * deletes the document (see db/subscription.ts), so the unique pair key (subscriptionPairKey) decides
 * every "already subscribed", re-subscribing included; readers still filter on `active`.
 */

export type { Subscription };

export interface NewSubscriptionRecord {
  donorId: Types.ObjectId;
  thingId: Types.ObjectId;
  at: Date;
}

/** Subscriptions of one donor to one thing at once in this process (one-writer-per-key.ts). */
const subscriptionInserts = new OneWriterPerKey();

/** Inserts an active subscription; null when the donor and thing pair is taken. */
export async function insertSubscription(record: NewSubscriptionRecord): Promise<Subscription | null> {
  try {
    const doc = { donorId: record.donorId, thingId: record.thingId, active: true, createdAt: record.at, updatedAt: record.at };
    return (await subscriptionInserts.run(`${String(record.donorId)}:${String(record.thingId)}`, () => SubscriptionModel.create(doc))).toObject();
  } catch (error) {
    if (isDuplicateKeyError(error)) return null;
    throw error;
  }
}

/** Deletes an inactive document of the pair (left by an older version or by hand); whether there was one. */
export async function deleteInactiveSubscription(donorId: Types.ObjectId, thingId: Types.ObjectId): Promise<boolean> {
  const deleted = await SubscriptionModel.deleteOne({ donorId, thingId, active: false });
  return deleted.deletedCount > 0;
}

/** Deletes a subscription only if it is the donor's; whether it did. */
export async function deleteSubscriptionOf(donorId: Types.ObjectId, subscriptionId: Types.ObjectId): Promise<boolean> {
  const deleted = await SubscriptionModel.deleteOne({ _id: subscriptionId, donorId });
  return deleted.deletedCount > 0;
}

/**
 * Active subscriptions created before `createdBefore` (all when undefined), of one donor or of
 * everyone, oldest first (the order their settlement clicks get).
 */
export async function findActiveSubscriptions(scope: { donorId?: Types.ObjectId; createdBefore?: Date }): Promise<Subscription[]> {
  const filter = {
    active: true,
    ...(scope.donorId === undefined ? {} : { donorId: scope.donorId }),
    ...(scope.createdBefore === undefined ? {} : { createdAt: { $lt: scope.createdBefore } }),
  };
  return SubscriptionModel.find(filter).sort({ createdAt: 1, _id: 1 }).lean();
}

export async function hasActiveSubscription(donorId: Types.ObjectId, thingId: Types.ObjectId): Promise<boolean> {
  return (await SubscriptionModel.exists({ donorId, thingId, active: true })) !== null;
}
