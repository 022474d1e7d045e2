import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions, requiredAmount } from './fields';
import { WALLET_ADDRESS_KINDS } from './wallet-address';

/**
 * 'unspent': in the best chain and not spent by a block the scanner recorded in wallet_spends
 * (spends are kept apart: see wallet-spend.ts); 'orphaned': its block left the best chain.
 * Read the wallet's holdings through services/wallet-watch/wallet-view.ts, which subtracts the spends.
 */
export const WALLET_OUTPUT_STATUSES = ['unspent', 'orphaned'] as const;
export type WalletOutputStatus = (typeof WALLET_OUTPUT_STATUSES)[number];

/**
 * An output on chain that pays one of the service's addresses (a deposit or change): what the
 * wallet holds. `_id` is `txid:vout`, so recording a block twice changes nothing.
 */
const walletOutputSchema = new Schema(
  {
    _id: { type: String, required: true },
    txid: { type: String, required: true },
    vout: { type: Number, required: true, min: 0 },
    address: { type: String, required: true },
    kind: { type: String, enum: WALLET_ADDRESS_KINDS, required: true },
    addressIndex: { type: Number, required: true },
    amount: requiredAmount,
    coinbase: { type: Boolean, required: true, default: false },
    blockHash: { type: String, required: true },
    blockHeight: { type: Number, required: true },
    status: { type: String, enum: WALLET_OUTPUT_STATUSES, required: true, default: 'unspent' },
  },
  { ...baseSchemaOptions, collection: 'wallet_outputs' },
);

// Outputs above a fork point (a reorg). The reads by status take nearly every output (a spent one
// stays 'unspent' here: spends are in wallet_spends), so an index on status would only cost each
// insert of the scanner an index write, about as much as the document itself on DocumentDB.
walletOutputSchema.index({ blockHeight: 1 });

export type WalletOutput = InferSchemaType<typeof walletOutputSchema>;
export const WalletOutputModel = model('WalletOutput', walletOutputSchema);
