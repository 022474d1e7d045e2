import type { Allocation, PlanInput } from './settlement-plan';
import { splitDonorBudget } from './split';

/**
 * Every (donor, creator) amount a month moves: the allocations its commitment tree is built from
 * (docs/proofs.md) and a donor's statement shows. The same rule as the planner's credit of shares
 * (settlement-plan.ts, creditShares): a donor's charge after the fee, split equally over their
 * clicks in order, one unit more for each of the first `remainder` clicks; a donor's clicks on the
 * same creator add up into one allocation. Zero amounts are left out (a donor with no balance).
 *
 * Assumes an input the planner accepted (planSettlement validates it): call it after planning.
 * Sorted by donorId then creatorId, by code unit, so the output does not depend on input order.
 */
export function monthAllocations(input: PlanInput): Allocation[] {
  const allocations: Allocation[] = [];
  for (const donor of input.donors) {
    const clicks = donor.clickCreators.length;
    if (clicks === 0) continue;
    const { charge, fee } = splitDonorBudget({ monthlyBudget: donor.monthlyBudget, balance: donor.balance, clickCount: 1, serviceFeeBps: input.serviceFeeBps });
    const distributable = charge - fee;
    if (distributable <= 0n) continue;
    const count = BigInt(clicks);
    const base = distributable / count;
    const extra = Number(distributable % count);
    const byCreator = new Map<string, bigint>();
    donor.clickCreators.forEach((creatorId, i) => {
      byCreator.set(creatorId, (byCreator.get(creatorId) ?? 0n) + (i < extra ? base + 1n : base));
    });
    for (const [creatorId, amount] of byCreator) {
      if (amount > 0n) allocations.push({ donorId: donor.id, creatorId, amount });
    }
  }
  return allocations.sort((a, b) => compareText(a.donorId, b.donorId) || compareText(a.creatorId, b.creatorId));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
