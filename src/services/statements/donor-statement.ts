import type { ChainProfile } from '../../chain/profiles';
import { KibbleError } from '../../errors';
import { amountsByCreator, unclaimedReturnDate, valueClicks } from '../../money/statements';
import { handlesOf } from '../accounts/account-store';
import { donorClicksOf } from '../clicks/click-store';
import { clickView, orderForSettlement, type ClickSource } from '../clicks/clicks';
import { objectIdOf, thingsByIds } from '../things/things';
import { creatorPayouts, type Payout } from './payouts';
import { creatorLineOf, donorChargeOf, settledMonth, type SettledMonth } from './settled-month';

/**
 * A donor's statement of a planned month (issue 15): every counted flattr and what it was worth
 * (the plan's charge split as the planner split it), the fee, and per creator the payout that
 * carried the donor's gift, or why it is not paid yet. Reads: the donor's clicks of the month,
 * the settlement and its stored plan, the things and creators they clicked.
 */

export interface StatementSettings {
  serviceFeeBps: number;
  unclaimedMonths: number;
  chain: ChainProfile;
}

export interface DonorStatementFlattr {
  at: Date;
  thingId: string;
  thingTitle: string | null;
  thingUrl: string | null;
  creatorId: string;
  creatorHandle: string | null;
  source: ClickSource;
  value: bigint;
}

/**
 * Why a creator's amount is where it is: paid in a listed output; carried to a later month because
 * the creator's total was below the dust threshold; unclaimed (no payout address; it returns to
 * the donor on `returnsOn` if the creator still has none by then); or planned but not yet sent.
 */
export type GiftStatus = 'paid' | 'not-yet-broadcast' | 'below-dust' | 'no-payout-address';

export interface DonorStatementCreator {
  creatorId: string;
  creatorHandle: string | null;
  amount: bigint;
  status: GiftStatus;
  payout: Payout | null;
  /** For 'no-payout-address': when the amount goes back to the donor. */
  returnsOn: { period: string; date: Date } | null;
}

export interface DonorStatementRefund {
  fromPeriod: string;
  creatorId: string;
  creatorHandle: string | null;
  amount: bigint;
}

export interface DonorStatement {
  period: string;
  settlementState: string;
  charge: bigint;
  fee: bigint;
  /** charge - fee: what the flattrs shared. */
  distributed: bigint;
  flattrs: DonorStatementFlattr[];
  creators: DonorStatementCreator[];
  refunds: DonorStatementRefund[];
}

export async function donorStatement(donorId: string, period: string, settings: StatementSettings, tip: () => Promise<number | undefined>): Promise<DonorStatement> {
  const donor = objectIdOf(donorId, 'account');
  const month = await settledMonth(period);
  const charge = donorChargeOf(month, donorId);
  const stored = orderForSettlement(await donorClicksOf(month.period, donor)).map(clickView);
  if (charge !== undefined && charge.clicks !== stored.length) {
    throw new KibbleError('internal', `${month.period}: the plan split over ${charge.clicks} clicks of donor ${donorId}, ${stored.length} are stored`);
  }
  const valued = valueClicks(
    { donorId, clicks: stored, charge: charge?.charge ?? 0n, fee: charge?.fee ?? 0n },
    settings.serviceFeeBps,
  );
  const refunds = month.stored.plan.refunds.filter((refund) => refund.donorId === donorId);
  const amounts = amountsByCreator(valued);
  const creatorIds = [...amounts.keys()];
  const [things, handles, tipHeight] = await Promise.all([
    thingsByIds(stored.map((click) => click.thingId)),
    handlesOf([...creatorIds, ...refunds.map((refund) => refund.creatorId)]),
    month.settlement.transactions.length > 0 ? tip() : Promise.resolve(undefined),
  ]);
  const payouts = creatorPayouts(month, creatorIds, settings.chain, tipHeight);
  return {
    period: month.period,
    settlementState: month.settlement.state,
    charge: charge?.charge ?? 0n,
    fee: charge?.fee ?? 0n,
    distributed: (charge?.charge ?? 0n) - (charge?.fee ?? 0n),
    flattrs: valued.map((click) => ({
      at: click.at,
      thingId: click.thingId,
      thingTitle: things.get(click.thingId)?.title ?? null,
      thingUrl: things.get(click.thingId)?.url ?? null,
      creatorId: click.creatorId,
      creatorHandle: handles.get(click.creatorId) ?? null,
      source: click.source,
      value: click.value,
    })),
    creators: [...amounts].map(([creatorId, amount]) => ({
      creatorId,
      creatorHandle: handles.get(creatorId) ?? null,
      amount,
      ...giftStatus(month, creatorId, payouts.get(creatorId), settings.unclaimedMonths),
    })),
    refunds: refunds.map((refund) => ({ fromPeriod: refund.fromPeriod, creatorId: refund.creatorId, creatorHandle: handles.get(refund.creatorId) ?? null, amount: refund.amount })),
  };
}

function giftStatus(month: SettledMonth, creatorId: string, payout: Payout | undefined, unclaimedMonths: number): Pick<DonorStatementCreator, 'status' | 'payout' | 'returnsOn'> {
  const outcome = creatorLineOf(month, creatorId)?.outcome;
  if (outcome === 'no-payout-address') return { status: 'no-payout-address', payout: null, returnsOn: unclaimedReturnDate(month.period, unclaimedMonths) };
  if (outcome === 'below-dust') return { status: 'below-dust', payout: null, returnsOn: null };
  if (payout === undefined || payout.state === 'signed') return { status: 'not-yet-broadcast', payout: payout ?? null, returnsOn: null };
  return { status: 'paid', payout, returnsOn: null };
}
