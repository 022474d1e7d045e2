import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { baseSchemaOptions, createdAt, requiredObjectId } from './fields';

const subscriptionSchema = new Schema(
  {
    donorId: requiredObjectId,
    thingId: requiredObjectId,
    /** Unsubscribing sets this to false (the pair stays unique). */
    active: { type: Boolean, required: true, default: true },
    createdAt,
    updatedAt: { type: Date },
  },
  { ...baseSchemaOptions, collection: 'subscriptions' },
);

subscriptionSchema.index({ donorId: 1, thingId: 1 }, { unique: true });
subscriptionSchema.index({ active: 1 });

export type Subscription = InferSchemaType<typeof subscriptionSchema> & { _id: Types.ObjectId };
export const SubscriptionModel = model('Subscription', subscriptionSchema);
