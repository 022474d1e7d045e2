import { withBudgetsInCoins, type Allocation, type PlanInput, type SettlementPlan } from './settlement-plan';
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
export function monthAllocations(original: PlanInput): Allocation[] {
  // Fiat budgets converted at the input's rates, exactly as the planner did.
  const { input } = withBudgetsInCoins(original);
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

/** A month's allocations rebuilt from what its settlement stored, and whether they are the plan's. */
export interface ReconstructedAllocations {
  input: PlanInput;
  allocations: Allocation[];
  /** Why they are not the plan's (empty when they agree exactly). */
  problems: string[];
}

/**
 * A month's allocations rebuilt from what the settlement stores, without the planner's full input:
 * each planned donor's budget and balance before (the stored plan), the month's counted clicks in
 * the order loadPlanInput gives the planner (`clickCreatorsByDonor`: creator ids per donor), and
 * the service fee rate the plan was made with. Creators, refunds and dust do not change an
 * allocation, so the input leaves them empty.
 *
 * Checked against the plan: every planned donor's click count, each creator's credited amount
 * (their shares of the month) and the total must be the plan's exactly, and no donor may have
 * clicks the plan did not count. A clicks collection changed after planning, or another fee
 * rate, shows up as problems rather than as a wrong tree.
 */
export function reconstructAllocations(
  plan: Pick<SettlementPlan, 'period' | 'donors' | 'creators' | 'totals'>,
  clickCreatorsByDonor: ReadonlyMap<string, readonly string[]>,
  serviceFeeBps: number,
): ReconstructedAllocations {
  const problems: string[] = [];
  const planned = new Set<string>();
  const donors = plan.donors.flatMap((donor) => {
    planned.add(donor.donorId);
    const clickCreators = clickCreatorsByDonor.get(donor.donorId) ?? [];
    if (clickCreators.length !== donor.clicks) problems.push(`donor ${donor.donorId} has ${clickCreators.length} counted clicks, the plan counted ${donor.clicks}`);
    return clickCreators.length === 0 ? [] : [{ id: donor.donorId, monthlyBudget: donor.budget, balance: donor.balanceBefore, clickCreators }];
  });
  for (const [donorId, clicks] of clickCreatorsByDonor) {
    if (!planned.has(donorId) && clicks.length > 0) problems.push(`donor ${donorId} has ${clicks.length} counted clicks the plan does not know`);
  }
  const input: PlanInput = { period: plan.period, serviceFeeBps, dustThreshold: 0n, platformFeeBefore: 0n, feeAddress: null, donors, creators: [], expiring: [] };
  const allocations = monthAllocations(input);
  problems.push(...creditMismatches(allocations, plan));
  return { input, allocations, problems };
}

/** Each creator's allocations must add up to what the plan credited them, and all to its total. */
function creditMismatches(allocations: readonly Allocation[], plan: Pick<SettlementPlan, 'creators' | 'totals'>): string[] {
  const problems: string[] = [];
  const byCreator = new Map<string, bigint>();
  let total = 0n;
  for (const allocation of allocations) {
    byCreator.set(allocation.creatorId, (byCreator.get(allocation.creatorId) ?? 0n) + allocation.amount);
    total += allocation.amount;
  }
  for (const creator of plan.creators) {
    const amount = byCreator.get(creator.creatorId) ?? 0n;
    if (amount !== creator.credited) problems.push(`creator ${creator.creatorId}: the allocations add up to ${amount}, the plan credited ${creator.credited}`);
    byCreator.delete(creator.creatorId);
  }
  for (const [creatorId, amount] of byCreator) problems.push(`creator ${creatorId} gets ${amount} in the allocations but is not in the plan`);
  if (total !== plan.totals.creditedToCreators) problems.push(`the allocations add up to ${total}, the plan credited ${plan.totals.creditedToCreators} in all`);
  return problems;
}
