import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { baseSchemaOptions, createdAt, requiredObjectId } from './fields';

const sessionSchema = new Schema(
  {
    /** SHA-256 of the session token (the token itself is only ever in the cookie). */
    tokenHash: { type: String, required: true },
    accountId: requiredObjectId,
    expiresAt: { type: Date, required: true },
    createdAt,
  },
  { ...baseSchemaOptions, collection: 'sessions' },
);

sessionSchema.index({ tokenHash: 1 }, { unique: true });
sessionSchema.index({ accountId: 1 });
// Not a TTL index: FerretDB 1.x rejects `expireAfterSeconds`. Readers check expiresAt, and
// expired sessions are removed with deleteMany({ expiresAt: { $lt: now } }).
sessionSchema.index({ expiresAt: 1 });

export type Session = InferSchemaType<typeof sessionSchema> & { _id: Types.ObjectId };
export const SessionModel = model('Session', sessionSchema);
