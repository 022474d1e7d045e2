import { periodBounds, periodOf } from '../../money/period';

/**
 * The funding reminder: some days before a month ends, a donor whose balance will not cover their
 * monthly budget is told how much is missing (the month charges min(budget, balance): the rest of
 * their intended giving would silently not happen). Sent once per donor per month (its id).
 */

const DAY_MS = 86_400_000;

/** The month whose reminders are due at `now`, or undefined outside the last `daysBefore` days of a month. */
export function reminderPeriodAt(now: Date, daysBefore: number): string | undefined {
  if (daysBefore <= 0) return undefined;
  const period = periodOf(now);
  const { end } = periodBounds(period);
  return end.getTime() - now.getTime() <= daysBefore * DAY_MS ? period : undefined;
}

/** What the donor lacks to give their whole budget; undefined when nothing is (or no budget is set). */
export function fundingShortfall(monthlyBudget: bigint, balance: bigint): bigint | undefined {
  if (monthlyBudget <= 0n) return undefined;
  const covered = balance > 0n ? balance : 0n;
  return covered >= monthlyBudget ? undefined : monthlyBudget - covered;
}
