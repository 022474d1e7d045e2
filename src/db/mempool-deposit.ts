import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions, requiredAmount } from './fields';

/** A deposit seen in the node's mempool, not yet in a block; replaced on every mempool look. */
const mempoolDepositSchema = new Schema(
  {
    /** `txid:vout` */
    _id: { type: String, required: true },
    txid: { type: String, required: true },
    address: { type: String, required: true },
    accountId: { type: String, required: true },
    amount: requiredAmount,
    seenAt: { type: Date, required: true },
  },
  { ...baseSchemaOptions, collection: 'mempool_deposits' },
);

mempoolDepositSchema.index({ accountId: 1 });

export type MempoolDeposit = InferSchemaType<typeof mempoolDepositSchema>;
export const MempoolDepositModel = model('MempoolDeposit', mempoolDepositSchema);
