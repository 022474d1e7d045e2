import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions, requiredAmount, requiredObjectId } from './fields';

export const DEPOSIT_STATUSES = ['pending', 'credited', 'orphaned'] as const;
export type DepositStatus = (typeof DEPOSIT_STATUSES)[number];

/** The natural key of a deposit, used as `_id`: each output is recorded once. */
export function depositKey(txid: string, vout: number): string {
  return `${txid}:${vout}`;
}

const depositSchema = new Schema(
  {
    /** `depositKey(txid, vout)` */
    _id: { type: String, required: true },
    txid: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
    vout: { type: Number, required: true, min: 0 },
    address: { type: String, required: true },
    accountId: requiredObjectId,
    amount: requiredAmount,
    blockHash: { type: String, required: true },
    blockHeight: { type: Number, required: true, min: 0 },
    status: { type: String, enum: DEPOSIT_STATUSES, required: true, default: 'pending' },
    /** A coinbase output may only be credited once it is mature. */
    coinbase: { type: Boolean, required: true, default: false },
    /**
     * How many times it was credited; a reorg can orphan a credited deposit and the new chain can
     * bring it back. Journal ids carry this number, so each credit and reversal is written once.
     */
    creditSeq: { type: Number, required: true, default: 0 },
    seenAt: { type: Date, required: true },
    creditedAt: { type: Date },
  },
  { ...baseSchemaOptions, collection: 'deposits' },
);

// Pending deposits up to a height (crediting), live deposits above a fork point (a reorg).
depositSchema.index({ status: 1, blockHeight: 1 });
// One donor's deposits (history, pending list).
depositSchema.index({ accountId: 1 });
// No other index: every secondary index is written with each deposit the scanner inserts, and on
// DocumentDB each costs about as much as the document itself (docs/benchmarks.md, bench:scan).

export type Deposit = InferSchemaType<typeof depositSchema>;
export const DepositModel = model('Deposit', depositSchema);
