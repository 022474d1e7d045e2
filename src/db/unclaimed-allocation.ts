import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions, requiredAmount, requiredPeriod } from './fields';

/**
 * What one donor gave, in one period, to a creator who had no payout address: kept so that, if the
 * creator still has none UNCLAIMED_MONTHS later, it goes back to exactly that donor.
 * `_id` = `<period>:<donorId>:<creatorId>`, so writing a plan's rows again changes nothing.
 */
const unclaimedAllocationSchema = new Schema(
  {
    _id: { type: String, required: true },
    period: requiredPeriod,
    donorId: { type: String, required: true },
    creatorId: { type: String, required: true },
    amount: requiredAmount,
  },
  { ...baseSchemaOptions, collection: 'unclaimed_allocations' },
);

unclaimedAllocationSchema.index({ period: 1 });

export type UnclaimedAllocation = InferSchemaType<typeof unclaimedAllocationSchema>;
export const UnclaimedAllocationModel = model('UnclaimedAllocation', unclaimedAllocationSchema);
