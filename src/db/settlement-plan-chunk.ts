import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions, createdAt, requiredPeriod } from './fields';

/**
 * A stored plan, as its JSON text cut into chunks (a month of 100,000 donors does not fit one
 * document). Chunks are written first under a fresh attempt id; the plan exists once the
 * settlement document names that attempt, so a crash half-way leaves only unreferenced chunks.
 */
const settlementPlanChunkSchema = new Schema(
  {
    /** `<period>:<attempt>:<index>` */
    _id: { type: String, required: true },
    period: requiredPeriod,
    attempt: { type: String, required: true },
    index: { type: Number, required: true, min: 0 },
    text: { type: String, required: true },
    createdAt,
  },
  { ...baseSchemaOptions, collection: 'settlement_plan_chunks' },
);

settlementPlanChunkSchema.index({ period: 1, attempt: 1, index: 1 });

export type SettlementPlanChunk = InferSchemaType<typeof settlementPlanChunkSchema>;
export const SettlementPlanChunkModel = model('SettlementPlanChunk', settlementPlanChunkSchema);
