import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { baseSchemaOptions, createdAt, requiredObjectId } from './fields';

/**
 * A subscription's pair key `<donor hex>:<thing hex>` (fixed lengths: two pairs never share one).
 * Its single-field unique index decides "one subscription per donor and thing". A compound unique
 * { donorId, thingId } did before, and on DocumentDB made each subscription to a thing cost
 * O(that thing's subscribers). The `_id` stays a fresh ObjectId: re-subscribing gets a new id,
 * which a stale unsubscribe of the old one cannot end.
 */
export function subscriptionPairKey(donorId: Types.ObjectId, thingId: Types.ObjectId): string {
  return `${donorId.toHexString()}:${thingId.toHexString()}`;
}

const subscriptionSchema = new Schema(
  {
    donorId: requiredObjectId,
    thingId: requiredObjectId,
    /** `subscriptionPairKey(donorId, thingId)`, set on validation. */
    pair: { type: String, required: true },
    /**
     * Always true for subscriptions the service writes: unsubscribing deletes the document, so
     * that the unique pair index below is what decides "already subscribed", re-subscribing
     * included (a conditional update of `active` cannot: FerretDB does not isolate updates, and
     * two racing re-subscribes would both win). Readers still filter on it.
     */
    active: { type: Boolean, required: true, default: true },
    createdAt,
    updatedAt: { type: Date },
  },
  { ...baseSchemaOptions, collection: 'subscriptions' },
);

subscriptionSchema.pre('validate', function setPair() {
  this.pair = subscriptionPairKey(this.donorId, this.thingId);
});

// One subscription per donor and thing: a second insert fails with E11000 (409 already-subscribed).
subscriptionSchema.index({ pair: 1 }, { unique: true });
// A donor's subscriptions, and one donor's subscription to one thing.
subscriptionSchema.index({ donorId: 1, thingId: 1 });
subscriptionSchema.index({ active: 1 });

export type Subscription = InferSchemaType<typeof subscriptionSchema> & { _id: Types.ObjectId };
export const SubscriptionModel = model('Subscription', subscriptionSchema);
