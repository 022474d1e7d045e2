import { donorAccount } from '../money/ledger';
import { parsePeriod } from '../money/period';
import { allocationJournalId } from '../money/settlement-plan';
import { splitDonorBudget } from '../money/split';
import { clicksOf, flattredPeriodsOf, type DonorPeriodClicks } from './clicks/clicks';
import { journalLineAmount } from './ledger/ledger-store';
import { allocationProgressOf, type SettlementState } from './settlement/settlement-store';

/**
 * What a donor's months gave, for the donor page and GET /api/v1/me/months alike, so that both
 * always show the same figures. Before the settlement of a month wrote its allocation journal,
 * a month's values are clicksOf's estimate (today's budget and balance, as if it were settled
 * now); after it, the charge is what the settlement took from the donor's balance (their line in
 * the allocation journal) split over the stored clicks in the settlement's order, so a later
 * change of budget or balance no longer moves them. An unclaimed earlier gift returned by the same
 * settlement is netted in that line (one line per account).
 */

export interface DonorMonth extends DonorPeriodClicks {
  /** The month's settlement state; 'open' while it has not been closed. */
  settlementState: SettlementState;
  /** True once the values are what the settlement charged, false while they are an estimate. */
  final: boolean;
}

/** Months shown unless asked for another number (the donor page, /me/months). */
export const DONOR_MONTHS_DEFAULT = 12;

/** Most months a single request may ask for. */
export const DONOR_MONTHS_MAX = 120;

export interface DonorMonthsQuery {
  /** Only months before this one (exclusive), e.g. the current period for "past months". */
  before: string;
  /** At most this many, the most recent first. */
  limit: number;
  serviceFeeBps: number;
  /** The instant of the estimates of months not settled yet. */
  now: Date;
}

/** The donor's months with clicks before `query.before`, the most recent first. */
export async function donorMonths(donorId: string, query: DonorMonthsQuery): Promise<DonorMonth[]> {
  const before = parsePeriod(query.before);
  const limit = Math.max(0, Math.min(query.limit, DONOR_MONTHS_MAX));
  const periods = (await flattredPeriodsOf(donorId))
    .filter((period) => period < before)
    .reverse()
    .slice(0, limit);
  return Promise.all(periods.map((period) => donorMonth(donorId, period, query.serviceFeeBps, query.now)));
}

/** One month of a donor: final once its allocation is written, else the estimate. */
export async function donorMonth(donorId: string, period: string, serviceFeeBps: number, now: Date): Promise<DonorMonth> {
  const [estimate, progress] = await Promise.all([clicksOf(donorId, period, serviceFeeBps, now), settlementProgressOf(parsePeriod(period))]);
  if (!progress.allocationWritten) return { ...estimate, settlementState: progress.state, final: false };
  const line = await journalLineAmount(allocationJournalId(estimate.period), donorAccount(donorId));
  // The donor's line is negative: what left their balance (a returned gift may net it to >= 0).
  const taken = line === null ? 0n : -line;
  const charge = taken > 0n ? taken : 0n;
  const split = splitDonorBudget({ monthlyBudget: charge, balance: charge, clickCount: estimate.clicks.length, serviceFeeBps });
  return {
    period: estimate.period,
    clicks: estimate.clicks.map((click, index) => ({ ...click, value: split.shares[index] ?? 0n })),
    totals: { charge: split.charge, fee: split.fee, clickCount: estimate.clicks.length },
    settlementState: progress.state,
    final: true,
  };
}

/** How far a period's settlement got ('open' when it has no document yet). */
async function settlementProgressOf(period: string): Promise<{ state: SettlementState; allocationWritten: boolean }> {
  return (await allocationProgressOf(period)) ?? { state: 'open', allocationWritten: false };
}
