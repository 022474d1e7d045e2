import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions } from './fields';

/**
 * Revoked session tokens, by the token's SHA-256 (the session's `_id`). Session tokens are signed
 * and checked without a database read (src/services/accounts/session-token.ts), so a sign-out is written
 * here and every instance follows this collection (src/services/accounts/session-revocations.ts).
 * Insert-only; a revocation can be deleted once its token has expired.
 */
const sessionRevocationSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** The token's own expiry: after it, the token is refused anyway. */
    expiresAt: { type: Date, required: true },
    /** Wall-clock time of the insert, what instances follow the collection by. */
    revokedAt: { type: Date, required: true },
  },
  { ...baseSchemaOptions, collection: 'session_revocations' },
);

sessionRevocationSchema.index({ revokedAt: 1 });
sessionRevocationSchema.index({ expiresAt: 1 });

export type SessionRevocation = InferSchemaType<typeof sessionRevocationSchema>;
export const SessionRevocationModel = model('SessionRevocation', sessionRevocationSchema);
