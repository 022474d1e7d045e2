import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions } from './fields';

/**
 * One allowed request of a rate limit: slot n of a fixed window shared by every instance (see
 * src/services/rate-limits.ts, the only reader and writer). A request takes its slot by inserting
 * it (a claim on the unique `_id`), never by an update: inserts are race-free on every server
 * kibble runs on, while FerretDB 1.x can lose concurrent `$inc`s.
 */
const rateLimitHitSchema = new Schema(
  {
    /** `<window>#<n>`, n from 1 to the limit. */
    _id: { type: String, required: true },
    /** `<bucket>:<limit>/<windowMs>|<key>|<window start, ms>`: what the hits of one window share. */
    window: { type: String, required: true },
    /** The end of the window: after it the slot counts for nothing and housekeeping deletes it. */
    expiresAt: { type: Date, required: true },
  },
  { ...baseSchemaOptions, collection: 'rate_limit_hits' },
);

rateLimitHitSchema.index({ window: 1 });
// Not a TTL index: FerretDB 1.x rejects `expireAfterSeconds`. The housekeeping job deletes
// expired hits (src/jobs/housekeeping.ts); readers never count them anyway (window in the key).
rateLimitHitSchema.index({ expiresAt: 1 });

export type RateLimitHit = InferSchemaType<typeof rateLimitHitSchema>;
export const RateLimitHitModel = model('RateLimitHit', rateLimitHitSchema);
