import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions } from './fields';

/**
 * A block spent one of the wallet's outputs. Its own insert-only collection rather than a status
 * on the output: on the test database (FerretDB) every update reads the whole table, and a
 * scanner pass records many spends, while an insert costs the same whatever the table holds.
 * `_id` is the spent outpoint `txid:vout`, so recording a block twice changes nothing.
 */
const walletSpendSchema = new Schema(
  {
    _id: { type: String, required: true },
    spentByTxid: { type: String, required: true },
    spentHeight: { type: Number, required: true },
    blockHash: { type: String, required: true },
  },
  { ...baseSchemaOptions, collection: 'wallet_spends' },
);

walletSpendSchema.index({ spentHeight: 1 });

export type WalletSpend = InferSchemaType<typeof walletSpendSchema>;
export const WalletSpendModel = model('WalletSpend', walletSpendSchema);
