import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions } from './fields';

/** Where the deposit scanner stands on a chain: the last block it processed. */
const chainCursorSchema = new Schema(
  {
    /** Chain name (e.g. `dogecoin`, `bcoin-regtest`). */
    _id: { type: String, required: true },
    height: { type: Number, required: true, min: 0 },
    hash: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
    /**
     * Set while a reorg's rollback of the records above this height runs (services/wallet-watch/
     * reorg.ts): a rollback that stopped part-way is finished by the next pass, whatever the chain
     * looks like by then.
     */
    rollingBackAbove: { type: Number, min: 0 },
    updatedAt: { type: Date, required: true, default: () => new Date() },
  },
  { ...baseSchemaOptions, collection: 'chain_cursors' },
);

export type ChainCursor = InferSchemaType<typeof chainCursorSchema>;
export const ChainCursorModel = model('ChainCursor', chainCursorSchema);
