import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions, createdAt, requiredObjectId } from './fields';

const sessionSchema = new Schema(
  {
    /**
     * SHA-256 (hex) of the session token; the token itself is only ever with the client. It is the
     * document's key so that the lookup on every authenticated request is a lookup by `_id`: on
     * FerretDB 1.x only a filter that is exactly `{ _id: value }` is pushed down to the backend,
     * any other filter reads and decodes every session. On MongoDB either is one index probe.
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
