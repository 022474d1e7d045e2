// An independent reckoning of a closed month (DESIGN.md section 2, "The split"): what each donor is
// charged and each creator earns, from the stored clicks and the donors' budgets and deposits.
// Written apart from src/money so that the test does not check kibble against itself.
import type { Types } from 'mongoose';

interface StoredClick {
  donorId: Types.ObjectId;
  creatorId: Types.ObjectId;
  source?: string | null;
}

export interface ExpectedMonth {
  charged: bigint;
  serviceFee: bigint;
  /** Koinu earned per creator id. */
  creators: Map<string, bigint>;
}

/**
 * `clicks`: the month's stored clicks sorted by time then id. Each donor is charged
 * min(budget, deposit) (nothing was charged before this month), the fee is floor(charge * bps /
 * 10000), the rest is shared equally, the odd koinu going to the earliest clicks, button clicks
 * before those a subscription added.
 */
export function expectedPayouts(clicks: readonly StoredClick[], donors: ReadonlyArray<{ id: string; budget: bigint; deposit: bigint }>, feeBps: number): ExpectedMonth {
  const month: ExpectedMonth = { charged: 0n, serviceFee: 0n, creators: new Map() };
  for (const donor of donors) {
    const own = clicks.filter((click) => click.donorId.toHexString() === donor.id);
    const ordered = [...own.filter((click) => click.source !== 'subscription'), ...own.filter((click) => click.source === 'subscription')];
    if (ordered.length === 0) continue;
    const charge = donor.budget < donor.deposit ? donor.budget : donor.deposit;
    const fee = (charge * BigInt(feeBps)) / 10_000n;
    const count = BigInt(ordered.length);
    const base = (charge - fee) / count;
    const odd = (charge - fee) % count;
    ordered.forEach((click, index) => {
      const creator = click.creatorId.toHexString();
      month.creators.set(creator, (month.creators.get(creator) ?? 0n) + base + (BigInt(index) < odd ? 1n : 0n));
    });
    month.charged += charge;
    month.serviceFee += fee;
  }
  return month;
}
