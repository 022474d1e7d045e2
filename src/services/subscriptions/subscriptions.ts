import { KibbleError } from '../../errors';
import { findThing, objectIdOf, thingsByIds } from '../things/things';
import {
  deleteInactiveSubscription,
  deleteSubscriptionOf,
  findActiveSubscriptions,
  hasActiveSubscription,
  insertSubscription,
  type Subscription,
} from './subscription-store';

/**
 * A subscription adds one click for its thing to every period at settlement, unless the donor
 * clicked the thing that period anyway (DESIGN.md section 1). One per donor and thing, decided by
 * the unique pair key `<donor>:<thing>` (db/subscription.ts); unsubscribing deletes it, so
 * re-subscribing is a fresh insert under the same key and gets a new id (a stale DELETE of the
 * old id cannot end it).
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
  const record = { donorId: donor, thingId: thing._id, at };
  const created = await insertSubscription(record);
  if (created !== null) return subscriptionView(created);
  // The pair is taken. kibble never leaves an inactive document behind, but if one exists (written
  // by an older version or by hand) it must not block re-subscribing: delete it and insert once
  // more, still under the unique index, so racing callers get exactly one winner.
  if (await deleteInactiveSubscription(donor, thing._id)) {
    const again = await insertSubscription(record);
    if (again !== null) return subscriptionView(again);
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
  if (!(await deleteSubscriptionOf(donor, id))) throw new KibbleError('not-found', 'no subscription with this id');
}

/** The donor's active subscriptions, oldest first, each with its thing's URL and title. */
export async function subscriptionsOf(donorId: string): Promise<SubscriptionWithThing[]> {
  const subscriptions = await activeSubscriptionsOf(donorId);
  const things = await thingsByIds(subscriptions.map((subscription) => subscription.thingId.toHexString()));
  return subscriptions.map((subscription) => {
    const view = subscriptionView(subscription);
    const thing = things.get(view.thingId);
    return { ...view, thing: thing === undefined ? null : { url: thing.url, title: thing.title } };
  });
}

/**
 * Stored active subscriptions of a donor, oldest first (the order their settlement clicks get);
 * with `createdBefore`, only those that existed before that instant.
 */
export async function activeSubscriptionsOf(donorId: string, createdBefore?: Date): Promise<Subscription[]> {
  return findActiveSubscriptions({ donorId: objectIdOf(donorId, 'account'), ...(createdBefore === undefined ? {} : { createdBefore }) });
}

/** Whether the donor has an active subscription to the thing (ids as hex; malformed ones: 404). */
export async function isSubscribed(donorId: string, thingId: string): Promise<boolean> {
  return hasActiveSubscription(objectIdOf(donorId, 'account'), objectIdOf(thingId, 'thing'));
}

export function subscriptionView(subscription: Subscription): SubscriptionView {
  return {
    id: subscription._id.toHexString(),
    donorId: subscription.donorId.toHexString(),
    thingId: subscription.thingId.toHexString(),
    createdAt: subscription.createdAt,
  };
}
