import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { baseSchemaOptions, createdAt, requiredObjectId } from './fields';

const subscriptionSchema = new Schema(
  {
    donorId: requiredObjectId,
    thingId: requiredObjectId,
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

// One subscription per donor and thing: a second insert fails with E11000 (409 already-subscribed).
subscriptionSchema.index({ donorId: 1, thingId: 1 }, { unique: true });
subscriptionSchema.index({ active: 1 });

export type Subscription = InferSchemaType<typeof subscriptionSchema> & { _id: Types.ObjectId };
export const SubscriptionModel = model('Subscription', subscriptionSchema);
