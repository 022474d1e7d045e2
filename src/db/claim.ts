import { Schema, model, type InferSchemaType } from 'mongoose';
import { isDuplicateKeyError } from './errors';
import { baseSchemaOptions, createdAt } from './fields';

/**
 * A claim is a document whose `_id` is a deterministic key: the one caller whose insert succeeds
 * owns it. An insert against a unique `_id` is the one write that is race-free on every server we
 * run on. FerretDB 1.x (the test server) applies updates as read-modify-write without isolation:
 * concurrent `$inc`, `$set`, `$push` and conditional `findOneAndUpdate` calls on one document can
 * all "win" or be lost, so exclusivity must never rest on an update alone.
 */
const claimSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** Who claimed it (instance id, account id...), for operators. */
    holder: { type: String },
    createdAt,
  },
  { ...baseSchemaOptions, collection: 'claims' },
);

export type Claim = InferSchemaType<typeof claimSchema>;
export const ClaimModel = model('Claim', claimSchema);

/** True when this call created the claim, false when it existed already. */
export async function tryClaim(key: string, holder?: string): Promise<boolean> {
  try {
    await ClaimModel.create({ _id: key, ...(holder === undefined ? {} : { holder }) });
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}
