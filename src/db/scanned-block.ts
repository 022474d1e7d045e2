import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions } from './fields';

/**
 * The blocks the scanner processed, by height: on a reorg they are compared with the node's
 * chain to find the fork point. Only blocks of the current best chain are kept.
 */
const scannedBlockSchema = new Schema(
  {
    /** Height. */
    _id: { type: Number, required: true },
    hash: { type: String, required: true },
    prevHash: { type: String, required: true },
  },
  { ...baseSchemaOptions, collection: 'scanned_blocks' },
);

export type ScannedBlock = InferSchemaType<typeof scannedBlockSchema>;
export const ScannedBlockModel = model('ScannedBlock', scannedBlockSchema);
