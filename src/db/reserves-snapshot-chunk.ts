import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions, createdAt } from './fields';

export const RESERVES_CHUNK_KINDS = ['published', 'leaves'] as const;

/**
 * A proof-of-reserves snapshot's bulky parts as JSON text cut into chunks (as
 * settlement_plan_chunks): the published document (its list of outputs grows with the wallet) and
 * the liability leaves (account and amount, enough to rebuild the tree and re-issue any user's proof).
 */
const reservesSnapshotChunkSchema = new Schema(
  {
    /** `<snapshot>:<attempt>:<kind>:<index>` */
    _id: { type: String, required: true },
    snapshot: { type: String, required: true },
    attempt: { type: String, required: true },
    kind: { type: String, enum: RESERVES_CHUNK_KINDS, required: true },
    index: { type: Number, required: true, min: 0 },
    text: { type: String, required: true },
    createdAt,
  },
  { ...baseSchemaOptions, collection: 'reserves_snapshot_chunks' },
);

reservesSnapshotChunkSchema.index({ snapshot: 1, attempt: 1, kind: 1, index: 1 });

export type ReservesSnapshotChunk = InferSchemaType<typeof reservesSnapshotChunkSchema>;
export const ReservesSnapshotChunkModel = model('ReservesSnapshotChunk', reservesSnapshotChunkSchema);
