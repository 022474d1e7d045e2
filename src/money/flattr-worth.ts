import { splitDonorBudget } from './split';

/**
 * What a flattr is worth before the month ends, and why it may be worth nothing yet. Pure: the
 * donor's budget and balance, the clicks they already have this month and the fee come in.
 * A flattr is always recorded; with no budget or no balance it is worth nothing *yet*: it counts
 * if the donor sets a budget and funds it before the month is settled.
 */
export type WorthlessReason = 'no-budget' | 'no-balance';

export interface DonorFunds {
  monthlyBudget: bigint;
  balance: bigint;
}

export function worthlessReasons(funds: DonorFunds): WorthlessReason[] {
  const reasons: WorthlessReason[] = [];
  if (funds.monthlyBudget <= 0n) reasons.push('no-budget');
  if (funds.balance <= 0n) reasons.push('no-balance');
  return reasons;
}

/**
 * The share of one more flattr if the month ended now: min(budget, balance) less the fee, split
 * over the clicks so far plus this one. The smallest share (the remainder koinu go to earlier
 * clicks), so it is never overstated.
 */
export function nextFlattrWorth(input: DonorFunds & { clicksSoFar: number; serviceFeeBps: number }): bigint {
  const split = splitDonorBudget({ monthlyBudget: input.monthlyBudget, balance: input.balance, clickCount: input.clicksSoFar + 1, serviceFeeBps: input.serviceFeeBps });
  return split.shares[input.clicksSoFar] ?? 0n;
}
