import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions } from './fields';

/** Where the deposit scanner stands on a chain: the last block it processed. */
const chainCursorSchema = new Schema(
  {
    /** Chain name (e.g. `dogecoin`, `bcoin-regtest`). */
    _id: { type: String, required: true },
    height: { type: Number, required: true, min: 0 },
    hash: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
    updatedAt: { type: Date, required: true, default: () => new Date() },
  },
  { ...baseSchemaOptions, collection: 'chain_cursors' },
);

export type ChainCursor = InferSchemaType<typeof chainCursorSchema>;
export const ChainCursorModel = model('ChainCursor', chainCursorSchema);
