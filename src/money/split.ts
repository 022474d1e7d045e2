/**
 * The monthly split of one donor's budget (DESIGN.md section 2), as a pure function:
 * charge S = min(budget, balance) when there is at least one click, else 0; fee
 * F = floor(S * feeBps / 10000); the rest is split into equal integer shares, the remainder
 * going one unit each to the earliest clicks, so the shares sum exactly to S - F.
 */
export interface DonorSplitInput {
  monthlyBudget: bigint;
  balance: bigint;
  /** Counted clicks in the order they happened (earliest first). */
  clickCount: number;
  serviceFeeBps: number;
}

export interface DonorSplit {
  charge: bigint;
  fee: bigint;
  /** One share per click, in click order; sums to charge - fee. */
  shares: bigint[];
}

const BPS = 10_000n;

export function splitDonorBudget(input: DonorSplitInput): DonorSplit {
  const { monthlyBudget, balance, clickCount, serviceFeeBps } = input;
  if (!Number.isInteger(clickCount) || clickCount < 0) throw new RangeError(`clickCount must be a whole number >= 0, got ${clickCount}`);
  if (!Number.isInteger(serviceFeeBps) || serviceFeeBps < 0 || serviceFeeBps > 10_000) {
    throw new RangeError(`serviceFeeBps must be a whole number from 0 to 10000, got ${serviceFeeBps}`);
  }
  if (clickCount === 0) return { charge: 0n, fee: 0n, shares: [] };
  const available = balance > 0n ? balance : 0n;
  const budget = monthlyBudget > 0n ? monthlyBudget : 0n;
  const charge = budget < available ? budget : available;
  const fee = (charge * BigInt(serviceFeeBps)) / BPS;
  const distributable = charge - fee;
  const count = BigInt(clickCount);
  const base = distributable / count;
  const remainder = Number(distributable % count);
  const shares = Array.from({ length: clickCount }, (_, i) => (i < remainder ? base + 1n : base));
  return { charge, fee, shares };
}
