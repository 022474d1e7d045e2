import { KibbleError } from '../../errors';
import { parsePeriod } from '../../money/period';
import type { CreatorLine, DonorCharge } from '../../money/settlement-plan';
import { readPlanChunks, type StoredPlan } from '../settlement/plan-store';
import { findSettlement, type Settlement } from '../settlement/settlement-store';

/**
 * A planned month as statements read it: the settlement document (state, signed transactions
 * with their raw bytes) and its stored plan (every charge, creator line and refund of the month).
 * A stored plan never changes once the settlement names it, so the last few parsed plans are
 * kept in memory: a month's statements then cost one plan read per process, not one per request.
 */
export interface SettledMonth {
  period: string;
  settlement: Settlement;
  stored: StoredPlan;
}

const PLANS_KEPT = 2;
const plans = new Map<string, StoredPlan>();

export async function settledMonth(periodText: string): Promise<SettledMonth> {
  const period = parsePeriod(periodText);
  const settlement = await findSettlement(period);
  if (settlement === null || !settlement.planAttempt || !settlement.planChunks || settlement.state === 'closed') {
    throw new KibbleError('not-found', `${period} has no statement yet: its settlement has not been planned (state: ${settlement?.state ?? 'open'})`);
  }
  const key = `${period}:${settlement.planAttempt}`;
  let stored = plans.get(key);
  if (stored === undefined) {
    stored = await readPlanChunks(period, settlement.planAttempt, settlement.planChunks);
    plans.set(key, stored);
    while (plans.size > PLANS_KEPT) plans.delete(plans.keys().next().value as string);
  }
  return { period, settlement, stored };
}

/** The plan's charge of a donor, or undefined when the month charged and refunded them nothing. */
export function donorChargeOf(month: SettledMonth, donorId: string): DonorCharge | undefined {
  return findSorted(month.stored.plan.donors, donorId, (row) => row.donorId);
}

/** The plan's line of a creator, or undefined when the month moved nothing of theirs. */
export function creatorLineOf(month: SettledMonth, creatorId: string): CreatorLine | undefined {
  return findSorted(month.stored.plan.creators, creatorId, (row) => row.creatorId);
}

/** Binary search over rows sorted by id in code-unit order (the planner's order). */
function findSorted<T>(rows: readonly T[], id: string, idOf: (row: T) => string): T | undefined {
  let low = 0;
  let high = rows.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const row = rows[middle] as T;
    const key = idOf(row);
    if (key === id) return row;
    if (key < id) low = middle + 1;
    else high = middle - 1;
  }
  return undefined;
}
