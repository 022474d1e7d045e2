import { parseCoins } from '../../money/amount';
import { consumeEvents, type OutboxEvent } from '../events/outbox';
import { mailFormat } from './mail-format';
import { notificationIds } from './notification-ids';
import type { NotifyDeps } from './notify-deps';

/**
 * Mails that follow events of the outbox, read in order behind the `notifications` consumer's
 * cursor: a donor's deposit credited, a creator's payout sent and confirmed (with `txid:vout`).
 * A crash before the cursor moves hands the same events again: the mail ids (from the event's
 * facts) make that a no-op. An event without the fields a mail needs is logged and passed over.
 */

export const NOTIFICATIONS_CONSUMER = 'notifications';

const DEFAULT_BATCH = 100;
/** Batches read per pass at most: a backlog drains over a few passes without one pass running for long. */
const DEFAULT_MAX_BATCHES = 20;

/**
 * Reads batch after batch until one is not full (or `maxBatches`): most events (every flattr) need
 * no mail, and one batch a pass would leave a deposit or payout mail behind a backlog of them.
 */
export async function mailNewEvents(deps: NotifyDeps, options: { limit?: number; gapGraceMs?: number; maxBatches?: number } = {}): Promise<number> {
  const limit = options.limit ?? DEFAULT_BATCH;
  let queued = 0;
  for (let batch = 0; batch < (options.maxBatches ?? DEFAULT_MAX_BATCHES); batch += 1) {
    const handled = await consumeEvents(
      NOTIFICATIONS_CONSUMER,
      async (events) => {
        for (const event of events) queued += await mailOf(event, deps);
      },
      { now: deps.clock(), limit, ...(options.gapGraceMs === undefined ? {} : { gapGraceMs: options.gapGraceMs }) },
    );
    if (handled < limit) break;
  }
  return queued;
}

async function mailOf(event: OutboxEvent, deps: NotifyDeps): Promise<number> {
  const text = (name: string): string | undefined => {
    const value = event.data[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const amountOf = (): bigint | undefined => {
    const value = text('amount');
    if (value === undefined) return undefined;
    try {
      return parseCoins(value, { maxMoney: deps.chain.maxMoney, ticker: deps.chain.ticker });
    } catch {
      return undefined;
    }
  };
  const skip = (why: string): number => {
    deps.log.warn({ event: event.id, why }, 'notifications: event passed over');
    return 0;
  };
  if (event.kind === 'deposit.credited') {
    const accountId = text('accountId') ?? event.accounts[0];
    const deposit = text('deposit');
    const amount = amountOf();
    if (accountId === undefined || deposit === undefined || amount === undefined) return skip('deposit.credited without accountId, deposit or amount');
    const format = mailFormat(await deps.localeOf(accountId), deps.chain.ticker);
    await deps.send({
      // The event's key is `<txid:vout>:<credit number>`: a deposit credited again after a reorg is told again.
      id: notificationIds.depositCredited(event.id),
      to: { accountId },
      kind: 'deposit-credited',
      locale: format.locale,
      template: 'depositCredited',
      data: { amount: format.amount(amount), outpoint: deposit, date: format.date(event.occurredAt), accountUrl: `${deps.publicUrl}/donor` },
    });
    return 1;
  }
  if (event.kind === 'payout.sent' || event.kind === 'payout.confirmed') {
    const creatorId = text('creatorId') ?? event.accounts[0];
    const txid = text('txid');
    const vout = event.data['vout'];
    const period = text('period');
    const amount = amountOf();
    if (creatorId === undefined || txid === undefined || typeof vout !== 'number' || period === undefined || amount === undefined) return skip(`${event.kind} without creatorId, txid, vout, period or amount`);
    const format = mailFormat(await deps.localeOf(creatorId), deps.chain.ticker);
    const sent = event.kind === 'payout.sent';
    await deps.send({
      id: notificationIds.payout(sent ? 'sent' : 'confirmed', creatorId, period, txid, vout),
      to: { accountId: creatorId },
      kind: sent ? 'payout-sent' : 'payout-confirmed',
      locale: format.locale,
      template: sent ? 'payoutSent' : 'payoutConfirmed',
      data: { amount: format.amount(amount), outpoint: `${txid}:${vout}`, period: format.period(period), address: text('address') ?? '', creatorUrl: `${deps.publicUrl}/creator` },
    });
    return 1;
  }
  return 0;
}
