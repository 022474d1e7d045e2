import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { baseSchemaOptions, requiredObjectId, requiredPeriod } from './fields';

export const CLICK_SOURCES = ['button', 'subscription'] as const;

const clickSchema = new Schema(
  {
    period: requiredPeriod,
    donorId: requiredObjectId,
    thingId: requiredObjectId,
    /** Owner of the thing at click time (denormalized for per-creator sums). */
    creatorId: requiredObjectId,
    at: { type: Date, required: true },
    /** 'subscription' for the clicks that closing a period adds for active subscriptions. */
    source: { type: String, enum: CLICK_SOURCES, required: true, default: 'button' },
  },
  { ...baseSchemaOptions, collection: 'clicks' },
);

// One counted click per donor, thing and period: a second insert fails with E11000.
clickSchema.index({ period: 1, donorId: 1, thingId: 1 }, { unique: true });
// A donor's months (the donor page's past months); no query filters on { period, creatorId }.
clickSchema.index({ donorId: 1, period: 1 });
clickSchema.index({ creatorId: 1 });
// The button SVG counts a thing's clicks of the period on every view.
clickSchema.index({ thingId: 1, period: 1 });

export type Click = InferSchemaType<typeof clickSchema> & { _id: Types.ObjectId };
export const ClickModel = model('Click', clickSchema);
