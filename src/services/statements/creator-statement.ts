import { KibbleError } from '../../errors';
import { creatorIncome } from '../../money/statements';
import type { CreatorOutcome } from '../../money/settlement-plan';
import { creatorClicksOf, donorsClicksOf } from '../clicks/click-store';
import { clickView, orderForSettlement, type ClickView } from '../clicks/clicks';
import { objectIdOf, thingsByIds } from '../things/things';
import type { StatementSettings } from './donor-statement';
import { creatorPayouts, type Payout } from './payouts';
import { creatorLineOf, donorChargeOf, settledMonth } from './settled-month';

/**
 * A creator's statement of a planned month (issue 15): income per thing, the number of
 * supporters (never who they are), what was owed from before, what was returned to donors, and
 * the payout with its txid:vout. Income is recomputed from the supporters' months (each one's
 * clicks split as the planner split them) and must equal the plan's credit to the koinu.
 * Reads: the month's clicks on the creator's things, those supporters' clicks of the month, the
 * settlement and its stored plan.
 */

export interface CreatorStatementThing {
  thingId: string;
  title: string | null;
  url: string | null;
  flattrs: number;
  amount: bigint;
}

export interface CreatorStatement {
  period: string;
  settlementState: string;
  supporters: number;
  things: CreatorStatementThing[];
  /** Owed from earlier months (below dust or unclaimed then), paid or carried with this month's. */
  carriedIn: bigint;
  credited: bigint;
  /** Unclaimed gifts of earlier months returned to their donors by this settlement. */
  returned: bigint;
  paid: bigint;
  /** Still owed after this settlement (carried to a later month). */
  carriedOut: bigint;
  outcome: CreatorOutcome;
  payouts: Payout[];
}

export async function creatorStatement(creatorId: string, period: string, settings: StatementSettings, tip: () => Promise<number | undefined>): Promise<CreatorStatement> {
  const creator = objectIdOf(creatorId, 'account');
  const month = await settledMonth(period);
  const supporterIds = [...new Set((await creatorClicksOf(month.period, creator)).map((click) => click.donorId.toHexString()))];
  const clicks = await donorsClicksOf(month.period, supporterIds.map((id) => objectIdOf(id, 'account')));
  const byDonor = new Map<string, ClickView[]>();
  for (const click of clicks) {
    const view = clickView(click);
    byDonor.set(view.donorId, [...(byDonor.get(view.donorId) ?? []), view]);
  }
  const income = creatorIncome(
    creatorId,
    supporterIds.map((donorId) => {
      const charge = donorChargeOf(month, donorId);
      return { donorId, clicks: orderForSettlement(byDonor.get(donorId) ?? []), charge: charge?.charge ?? 0n, fee: charge?.fee ?? 0n };
    }),
    settings.serviceFeeBps,
  );
  const line = creatorLineOf(month, creatorId);
  if ((line?.credited ?? 0n) !== income.total) {
    throw new KibbleError('internal', `${month.period}: the plan credited creator ${creatorId} ${line?.credited ?? 0n}, their supporters' clicks give ${income.total}`);
  }
  const [things, tipHeight] = await Promise.all([
    thingsByIds(income.things.map((row) => row.thingId)),
    month.settlement.transactions.length > 0 ? tip() : Promise.resolve(undefined),
  ]);
  const payout = creatorPayouts(month, [creatorId], settings.chain, tipHeight).get(creatorId);
  return {
    period: month.period,
    settlementState: month.settlement.state,
    supporters: income.supporters,
    things: income.things.map((row) => ({ ...row, title: things.get(row.thingId)?.title ?? null, url: things.get(row.thingId)?.url ?? null })),
    carriedIn: line?.owedBefore ?? 0n,
    credited: line?.credited ?? 0n,
    returned: line?.returned ?? 0n,
    paid: line?.paid ?? 0n,
    carriedOut: line?.owedAfter ?? 0n,
    outcome: line?.outcome ?? 'nothing-owed',
    payouts: payout === undefined ? [] : [payout],
  };
}
