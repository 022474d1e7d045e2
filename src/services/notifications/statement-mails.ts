import { periodBounds, previousPeriod } from '../../money/period';
import { unclaimedReturnDate } from '../../money/statements';
import { settlementStates } from '../settlement/settlement-store';
import { unclaimedAllocationsOf } from '../settlement/unclaimed-store';
import { donorStatement } from '../statements/donor-statement';
import { settledMonth } from '../statements/settled-month';
import { mailFormat } from './mail-format';
import { notificationIds } from './notification-ids';
import type { NotifyDeps } from './notify-deps';
import { markRunDone, runDone } from './run-store';

/**
 * After a month's settlement is confirmed: each donor it charged (or refunded) gets the month's
 * statement (where the money went, with each payout's `txid:vout`), and each creator it owes
 * without a payout address is told how much and when it goes back to its donors. Months that ended
 * more than RECENT_MS ago are left alone, so a first deployment does not mail years of history.
 */

const RECENT_MS = 62 * 86_400_000;

export async function mailConfirmedMonths(deps: NotifyDeps, tip: () => Promise<number | undefined>): Promise<number> {
  const now = deps.clock().getTime();
  const months = (await settlementStates()).filter((row) => row.state === 'confirmed' && now - periodBounds(row.period).end.getTime() <= RECENT_MS).map((row) => row.period).sort();
  let queued = 0;
  for (const period of months) {
    const run = `statements:${period}`;
    if (await runDone(run)) continue;
    const count = (await mailStatements(period, deps, tip)) + (await mailUnclaimed(period, deps));
    await markRunDone(run, count, deps.clock());
    queued += count;
  }
  return queued;
}

async function mailStatements(period: string, deps: NotifyDeps, tip: () => Promise<number | undefined>): Promise<number> {
  const month = await settledMonth(period);
  const donorIds = month.stored.plan.donors.filter((row) => row.charge > 0n || row.refunded > 0n).map((row) => row.donorId);
  const settings = { serviceFeeBps: deps.serviceFeeBps, unclaimedMonths: deps.unclaimedMonths, chain: deps.chain };
  for (const donorId of donorIds) {
    const statement = await donorStatement(donorId, period, settings, tip);
    const format = mailFormat(await deps.localeOf(donorId), deps.chain.ticker);
    const creatorLines = statement.creators.map((row) => {
      const vars = { creator: row.creatorHandle ?? row.creatorId, amount: format.amount(row.amount) };
      if (row.status === 'paid' && row.payout !== null) return format.line('statementLinePaid', { ...vars, outpoint: `${row.payout.txid}:${row.payout.vout}` });
      if (row.status === 'no-payout-address') return format.line('statementLineUnclaimed', { ...vars, date: format.date(row.returnsOn?.date ?? new Date(0)) });
      if (row.status === 'below-dust') return format.line('statementLineBelowDust', vars);
      return format.line('statementLineNotSent', vars);
    });
    const refundLines = statement.refunds.map((row) => format.line('statementLineRefund', { creator: row.creatorHandle ?? row.creatorId, amount: format.amount(row.amount), period: format.period(row.fromPeriod) }));
    await deps.send({
      id: notificationIds.donorStatement(donorId, period),
      to: { accountId: donorId },
      kind: 'monthly-statement',
      locale: format.locale,
      template: 'monthlyStatement',
      data: {
        period: format.period(period),
        charge: format.amount(statement.charge),
        fee: format.amount(statement.fee),
        flattrs: String(statement.flattrs.length),
        creators: creatorLines.length === 0 ? format.line('statementNoCreators', {}) : creatorLines.join('\n'),
        refunds: refundLines.length === 0 ? format.line('statementNoRefunds', {}) : refundLines.join('\n'),
        statementUrl: `${deps.publicUrl}/api/v1/me/statements/${period}.csv`,
      },
    });
  }
  return donorIds.length;
}

/** Creators the month owes without a payout address, with the date their oldest gift still owed goes back. */
async function mailUnclaimed(period: string, deps: NotifyDeps): Promise<number> {
  const month = await settledMonth(period);
  const owed = month.stored.plan.creators.filter((line) => line.outcome === 'no-payout-address' && line.owedAfter > 0n);
  if (owed.length === 0) return 0;
  // Gifts of the last UNCLAIMED_MONTHS months are still waiting; the oldest one goes back first.
  const oldest = new Map<string, string>();
  let cursor = period;
  const window: string[] = [];
  for (let i = 0; i < deps.unclaimedMonths; i++) {
    window.unshift(cursor);
    cursor = previousPeriod(cursor);
  }
  for (const windowPeriod of window) {
    for (const row of await unclaimedAllocationsOf(windowPeriod)) if (!oldest.has(row.creatorId)) oldest.set(row.creatorId, windowPeriod);
  }
  for (const line of owed) {
    const format = mailFormat(await deps.localeOf(line.creatorId), deps.chain.ticker);
    const returns = unclaimedReturnDate(oldest.get(line.creatorId) ?? period, deps.unclaimedMonths);
    await deps.send({
      id: notificationIds.unclaimed(line.creatorId, period),
      to: { accountId: line.creatorId },
      kind: 'owed-no-address',
      locale: format.locale,
      template: 'owedNoAddress',
      data: { period: format.period(period), amount: format.amount(line.owedAfter), date: format.date(returns.date), creatorUrl: `${deps.publicUrl}/creator` },
    });
  }
  return owed.length;
}
