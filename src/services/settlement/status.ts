import { periodBounds } from '../../money/period';
import { duePeriods } from './state-machine';
import { findSettlement, settlementHealth, settlementsNewestFirst, type SettlementState } from './settlement-store';
import { settlementStatusView, type SettlementStatusView } from './views';

/**
 * The settlements as operators and pages read them (the admin API, the CLI, the dashboard, the
 * metrics, the donor's past months): reads of the settlement store shaped for display, so that no
 * caller above services/ touches the collection.
 */

/** One month's settlement; `started` is false until the month was closed (its status says 'open'). */
export async function settlementStatus(period: string, tip: number | undefined): Promise<{ started: boolean; status: SettlementStatusView }> {
  const settlement = await findSettlement(period);
  return { started: settlement !== null, status: settlementStatusView(period, settlement, tip) };
}

/** Every settlement, newest first, and the months before `currentPeriod` still to be settled. */
export async function settlementOverview(currentPeriod: string, tip: number | undefined): Promise<{ settlements: SettlementStatusView[]; due: string[] }> {
  const [settlements, due] = await Promise.all([settlementsNewestFirst(), duePeriods(currentPeriod)]);
  return { settlements: settlements.map((settlement) => settlementStatusView(settlement._id, settlement, tip)), due };
}

/** Each settlement's state and whether its last step stopped with an error (the metrics' gauges). */
export async function settlementGauges(): Promise<Array<{ period: string; state: SettlementState; failing: boolean }>> {
  return (await settlementHealth()).map(({ period, state, lastError }) => ({ period, state, failing: lastError !== null && lastError !== '' }));
}


/**
 * Seconds since the end of the oldest month whose settlement exists and is not confirmed (a month
 * closed early, still running, counts from its end only); 0 when there is none. A month that was
 * never closed has no settlement and is not counted: that is the catch-up's job at start-up.
 */
export function unconfirmedOverdueSeconds(rows: ReadonlyArray<{ period: string; state: SettlementState }>, now: Date): number {
  let oldestEnd: number | undefined;
  for (const row of rows) {
    if (row.state === 'confirmed') continue;
    const end = periodBounds(row.period).end.getTime();
    if (oldestEnd === undefined || end < oldestEnd) oldestEnd = end;
  }
  return oldestEnd === undefined ? 0 : Math.max(0, Math.floor((now.getTime() - oldestEnd) / 1000));
}
