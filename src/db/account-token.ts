import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions, createdAt } from './fields';

/**
 * Single-use links sent by mail (confirm an address, reset a password), kept by the SHA-256 of
 * the token: the database never holds a usable link. Using one inserts a `used:<hash>` document
 * beside it: the insert that wins is the one use (FerretDB has no isolated delete-and-return).
 */
const accountTokenSchema = new Schema(
  {
    /** SHA-256 (hex) of the token, or `used:<that>` for the marker of its use. */
    _id: { type: String, required: true },
    purpose: { type: String, required: true, enum: ['confirm-address', 'password-reset', 'used'] },
    accountId: { type: String },
    /** The address a confirmation link confirms. */
    address: { type: String },
    expiresAt: { type: Date, required: true },
    createdAt,
  },
  { ...baseSchemaOptions, collection: 'account_tokens' },
);

accountTokenSchema.index({ expiresAt: 1 });

export type AccountToken = InferSchemaType<typeof accountTokenSchema>;
export const AccountTokenModel = model('AccountToken', accountTokenSchema);
