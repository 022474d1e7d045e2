import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions, createdAt } from './fields';

/**
 * One proof-of-reserves snapshot (docs/proofs.md, "Reserves publication"), `_id` = the snapshot id
 * (`2026-11` after a settlement, `h<height>` on demand), so publishing it twice is impossible.
 * The published JSON and the liability leaves live in reserves_snapshot_chunks under `attempt`;
 * this document, inserted last, is what makes them the snapshot (a crash half-way leaves only
 * unreferenced chunks). `secret` salts the leaves: never published, never logged.
 */
const reservesSnapshotSchema = new Schema(
  {
    _id: { type: String, required: true },
    takenAt: { type: Date, required: true },
    height: { type: Number, required: true, min: 0 },
    /** The per-snapshot salt secret, 32 bytes as hex. */
    secret: { type: String, required: true },
    root: { type: String, required: true },
    total: { type: Schema.Types.BigInt, required: true },
    leafCount: { type: Number, required: true, min: 0 },
    outputsTotal: { type: Schema.Types.BigInt, required: true },
    attempt: { type: String, required: true },
    publishedChunks: { type: Number, required: true, min: 1 },
    leafChunks: { type: Number, required: true, min: 1 },
    createdAt,
  },
  { ...baseSchemaOptions, collection: 'reserves_snapshots' },
);

reservesSnapshotSchema.index({ takenAt: -1 });

export type ReservesSnapshot = InferSchemaType<typeof reservesSnapshotSchema>;
export const ReservesSnapshotModel = model('ReservesSnapshot', reservesSnapshotSchema);
