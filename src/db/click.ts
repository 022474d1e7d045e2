import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { baseSchemaOptions, requiredObjectId, requiredPeriod } from './fields';

export const CLICK_SOURCES = ['button', 'subscription'] as const;

/**
 * A click's `_id`: its natural key `<period>:<donor hex>:<thing hex>`. Every part has a fixed
 * length (YYYY-MM, 24 hex digits twice), so two different triples never give the same key. The
 * `_id` is what makes a second click of the same donor on the same thing in the same period fail
 * with E11000: a compound unique index on { period, donorId, thingId } did that before, and on
 * DocumentDB made every insert cost O(clicks of the month) (its unique indexes intersect posting
 * lists, and `period` is shared by the whole month), while a unique `_id` stays flat.
 */
export function clickKey(period: string, donorId: Types.ObjectId, thingId: Types.ObjectId): string {
  return `${period}:${donorId.toHexString()}:${thingId.toHexString()}`;
}

const clickSchema = new Schema(
  {
    /** `clickKey(period, donorId, thingId)`. Clicks stored before it was the key keep an ObjectId. */
    _id: { type: String, required: true },
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

// One counted click per donor, thing and period: the `_id` (clickKey) refuses a second one.
// The month's reads (the plan, closing, the digest) filter on { period } alone. Non-unique: a
// non-unique index costs DocumentDB the same per insert however many clicks share the period.
clickSchema.index({ period: 1 });
// A donor's months (the donor page's past months); no query filters on { period, creatorId }.
clickSchema.index({ donorId: 1, period: 1 });
clickSchema.index({ creatorId: 1 });
// The button SVG counts a thing's clicks of the period on every view.
clickSchema.index({ thingId: 1, period: 1 });

export type Click = InferSchemaType<typeof clickSchema>;
export const ClickModel = model('Click', clickSchema);
