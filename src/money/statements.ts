import { periodBounds, nextPeriod } from './period';
import { splitDonorBudget } from './split';

/**
 * The arithmetic of monthly statements (issue 15): what each of a donor's counted clicks was
 * worth, exactly as the planner shared the donor's charge (split.ts: charge - fee in equal
 * shares, one unit more for each of the earliest clicks), and what a creator earned per thing.
 * Pure: the services read the clicks and the stored plan and pass them in.
 */

/** A counted click as the statements need it, in the settlement's click order. */
export interface StatementClick {
  creatorId: string;
  thingId: string;
}

/** One donor's month: their clicks in the settlement's order, and what the plan charged. */
export interface DonorMonthCharge<C extends StatementClick = StatementClick> {
  donorId: string;
  /** In the order the planner split over (orderForSettlement of the stored clicks). */
  clicks: readonly C[];
  charge: bigint;
  fee: bigint;
}

/**
 * Each click with its share of charge - fee. `charge` is what the plan took; splitting it again
 * (budget = balance = charge) gives the planner's shares. The fee must agree with the plan's.
 */
export function valueClicks<C extends StatementClick>(month: DonorMonthCharge<C>, serviceFeeBps: number): Array<C & { value: bigint }> {
  const split = splitDonorBudget({ monthlyBudget: month.charge, balance: month.charge, clickCount: month.clicks.length, serviceFeeBps });
  if (month.clicks.length > 0 && split.fee !== month.fee) {
    throw new RangeError(`donor ${month.donorId}: fee ${split.fee} recomputed from the charge differs from the plan's ${month.fee}`);
  }
  return month.clicks.map((click, index) => ({ ...click, value: split.shares[index] ?? 0n }));
}

/** What a donor's valued clicks gave each creator, in order of first click. */
export function amountsByCreator(clicks: ReadonlyArray<StatementClick & { value: bigint }>): Map<string, bigint> {
  const amounts = new Map<string, bigint>();
  for (const click of clicks) amounts.set(click.creatorId, (amounts.get(click.creatorId) ?? 0n) + click.value);
  return amounts;
}

export interface ThingIncome {
  thingId: string;
  flattrs: number;
  amount: bigint;
}

export interface CreatorIncome {
  /** Per thing, by thingId (code-unit order). */
  things: ThingIncome[];
  /** Distinct donors with a counted click on one of the creator's things. */
  supporters: number;
  /** Sum over things: the creator's credit of the month in the plan. */
  total: bigint;
}

/** A creator's income per thing from their supporters' whole months (every click of each). */
export function creatorIncome(creatorId: string, supporters: ReadonlyArray<DonorMonthCharge>, serviceFeeBps: number): CreatorIncome {
  const byThing = new Map<string, ThingIncome>();
  const donors = new Set<string>();
  let total = 0n;
  for (const month of supporters) {
    for (const click of valueClicks(month, serviceFeeBps)) {
      if (click.creatorId !== creatorId) continue;
      donors.add(month.donorId);
      const row = byThing.get(click.thingId) ?? { thingId: click.thingId, flattrs: 0, amount: 0n };
      row.flattrs += 1;
      row.amount += click.value;
      byThing.set(click.thingId, row);
      total += click.value;
    }
  }
  const things = [...byThing.values()].sort((a, b) => (a.thingId < b.thingId ? -1 : a.thingId > b.thingId ? 1 : 0));
  return { things, supporters: donors.size, total };
}

/**
 * When an unclaimed amount of `period` goes back to its donor if the creator still has no payout
 * address: the settlement of the period `unclaimedMonths` later returns it (plan-input's
 * monthsBefore), and that settlement runs once that period has ended.
 */
export function unclaimedReturnDate(period: string, unclaimedMonths: number): { period: string; date: Date } {
  let returning = period;
  for (let i = 0; i < unclaimedMonths; i++) returning = nextPeriod(returning);
  return { period: returning, date: periodBounds(returning).end };
}

/** Confirmations of a transaction mined at `height` with the node at `tip` (0 when not mined). */
export function confirmationsOf(height: number | null | undefined, tip: number | undefined): number | null {
  if (tip === undefined) return null;
  if (height === null || height === undefined) return 0;
  return height <= tip ? tip - height + 1 : 0;
}
