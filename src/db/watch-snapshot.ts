import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions } from './fields';

/**
 * A compact copy of the scanner's watched addresses (wallet_addresses), so that a cold start reads
 * a few large binary documents instead of 100,000 small ones (on DocumentDB each row read costs
 * ~0.1 ms: 10 s for 100,000). Only a cache: wallet_addresses stays the truth, and a snapshot that
 * does not add up to it is ignored. The head (`_id: 'head'`) names the complete generation; its
 * parts are `_id: '<generation>:<part>'`.
 */
const watchSnapshotSchema = new Schema(
  {
    _id: { type: String, required: true },
    generation: { type: String, required: true },
    /** Head: how many parts and entries the generation has. Part: its number and its entries. */
    parts: { type: Number },
    count: { type: Number, required: true, min: 0 },
    part: { type: Number },
    /** Encoded by chain/block/watch-snapshot-codec.ts. */
    entries: { type: Buffer },
    takenAt: { type: Date, required: true },
    /** Head: the wallet addresses' version counter, read before the rows it holds were read. */
    version: { type: Number },
  },
  { ...baseSchemaOptions, collection: 'watch_snapshots' },
);

watchSnapshotSchema.index({ generation: 1 });

export type WatchSnapshotDoc = InferSchemaType<typeof watchSnapshotSchema>;
export const WatchSnapshotModel = model('WatchSnapshot', watchSnapshotSchema);
