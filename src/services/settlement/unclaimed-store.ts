import { isDuplicateKeyError } from '../../db/errors';
import { UnclaimedAllocationModel, type UnclaimedAllocation } from '../../db/unclaimed-allocation';

/**
 * The one owner of the unclaimed allocations: what a donor gave, in one period, to a creator
 * without a payout address, kept so that it can go back to that donor if it stays unclaimed.
 */
export type { UnclaimedAllocation };

export interface UnclaimedAllocationRow {
  period: string;
  donorId: string;
  creatorId: string;
  amount: bigint;
}

/** Stores a plan's rows under `<period>:<donorId>:<creatorId>`: writing them again changes nothing. */
export async function writeUnclaimedAllocations(rows: readonly UnclaimedAllocationRow[]): Promise<void> {
  if (rows.length === 0) return;
  const documents = rows.map((row) => ({ _id: `${row.period}:${row.donorId}:${row.creatorId}`, ...row }));
  try {
    await UnclaimedAllocationModel.insertMany(documents, { ordered: false, throwOnValidationError: true });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}

/** The rows of one period (those that expire when that period is UNCLAIMED_MONTHS old). */
export async function unclaimedAllocationsOf(period: string): Promise<UnclaimedAllocationRow[]> {
  const rows = await UnclaimedAllocationModel.find({ period }).lean<UnclaimedAllocation[]>();
  return rows.map((row) => ({ period: row.period, donorId: row.donorId, creatorId: row.creatorId, amount: row.amount }));
}
