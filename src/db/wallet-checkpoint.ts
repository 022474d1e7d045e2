import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions, requiredAmount } from './fields';
import { WALLET_ADDRESS_KINDS } from './wallet-address';

/**
 * The wallet's unspent outputs as of one block well below the scanner's cursor (a checkpoint), so
 * that reading the wallet costs its current outputs plus the blocks since, not every output and
 * spend ever recorded (docs/architecture.md, "The wallet's checkpoint"). Only a cache: wallet_outputs
 * and wallet_spends stay the truth, and a checkpoint whose block left the scanner's chain is
 * ignored. The head (`_id: 'head'`) names the generation readers use and the block it was taken
 * at; its parts are `_id: '<generation>:<part>'`, each holding some of the outputs.
 */
const checkpointOutputSchema = new Schema(
  {
    _id: { type: String, required: true },
    txid: { type: String, required: true },
    vout: { type: Number, required: true },
    address: { type: String, required: true },
    kind: { type: String, enum: WALLET_ADDRESS_KINDS, required: true },
    addressIndex: { type: Number, required: true },
    amount: requiredAmount,
    coinbase: { type: Boolean, required: true },
    blockHash: { type: String, required: true },
    blockHeight: { type: Number, required: true },
  },
  { _id: false, versionKey: false },
);

const walletCheckpointSchema = new Schema(
  {
    _id: { type: String, required: true },
    generation: { type: String, required: true },
    /** Head: the block the checkpoint was taken at (the scanner's stored block at that height). */
    height: { type: Number },
    blockHash: { type: String },
    /** Head: how many parts and outputs the generation has. */
    parts: { type: Number },
    count: { type: Number, min: 0 },
    /**
     * Head: set once the writer checked that no spend at or below `height` was recorded while it
     * read (a settlement's spend repair): readers use only a verified head.
     */
    verified: { type: Boolean },
    /** Part: its number and its outputs. */
    part: { type: Number },
    outputs: { type: [checkpointOutputSchema], default: undefined },
    takenAt: { type: Date, required: true },
  },
  { ...baseSchemaOptions, collection: 'wallet_checkpoints' },
);

walletCheckpointSchema.index({ generation: 1 });

export type WalletCheckpointDoc = InferSchemaType<typeof walletCheckpointSchema>;
export type WalletCheckpointOutput = InferSchemaType<typeof checkpointOutputSchema>;
export const WalletCheckpointModel = model('WalletCheckpoint', walletCheckpointSchema);
