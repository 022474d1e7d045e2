import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions, createdAt, requiredObjectId } from './fields';

const sessionSchema = new Schema(
  {
    /**
     * SHA-256 (hex) of the session token; the token itself is only ever with the client. Requests
     * do not read this collection (tokens are signed, see src/services/accounts/session-token.ts); it is
     * the record of the sessions issued, and revocations use the same key.
     */
    _id: { type: String, required: true },
    /** The same hash again, for readers that look sessions up by field name (tests, tools). */
    tokenHash: { type: String, required: true },
    accountId: requiredObjectId,
    expiresAt: { type: Date, required: true },
    createdAt,
  },
  { ...baseSchemaOptions, collection: 'sessions' },
);

sessionSchema.index({ accountId: 1 });
// Not a TTL index: FerretDB 1.x rejects `expireAfterSeconds`. Readers check expiresAt, and
// expired sessions are removed with deleteMany({ expiresAt: { $lt: now } }).
sessionSchema.index({ expiresAt: 1 });

export type Session = InferSchemaType<typeof sessionSchema>;
export const SessionModel = model('Session', sessionSchema);
