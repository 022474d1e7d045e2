import { formatCoins } from '../../money/amount';
import { periodParticipants } from '../clicks/click-store';
import { recordEvent, recordEvents, type NewEvent } from '../events/outbox';
import type { StoredPlan } from './plan-store';
import type { SettlementState, SettlementTransaction } from './settlement-store';

/**
 * The events the settlement records (docs/webhooks.md), each written by the step that makes the
 * change, before the step stores its result: a crash in between runs the step again, which
 * records the same ids again, a no-op. Ids are keyed by the period and state, or by the
 * transaction output and what happened to it.
 */

const CREATOR_PREFIX = 'creator:';

/** settlement.changed: the month moves to `state`; it concerns the donors and creators of its clicks. */
export async function recordSettlementChanged(period: string, state: SettlementState, at: Date): Promise<void> {
  const { donors, creators } = await participantsAt(period, state);
  await recordEvent({ kind: 'settlement.changed', key: `${period}:${state}`, occurredAt: at, accounts: [...donors, ...creators], data: { period, state } }, at);
}

type Participants = Awaited<ReturnType<typeof periodParticipants>>;

/**
 * Participants of months whose clicks are frozen, read once per process. Past `closed` (planned,
 * signed, broadcast, confirmed) the plan has read the month's clicks and no click can join any
 * more, so the four later events of a month concern the same people: reading them again (two
 * distincts over the month's clicks, seconds at 100,000 clicks) for each move made the month's
 * cost grow with its clicks four times over. Closing reads them fresh, since the subscription
 * clicks join after it, and forgets what this process remembered of an earlier run of that period.
 */
const frozenParticipants = new Map<string, Promise<Participants>>();
const FROZEN_PERIODS_KEPT = 3;

/**
 * The planning step read the closed month's clicks already: it hands their donors and creators
 * over, so that the month's later events need no read of their own.
 */
export function rememberFrozenParticipants(period: string, participants: Participants | Promise<Participants>): void {
  frozenParticipants.set(period, Promise.resolve(participants));
  for (const oldest of frozenParticipants.keys()) {
    if (frozenParticipants.size <= FROZEN_PERIODS_KEPT) break;
    frozenParticipants.delete(oldest);
  }
}

function participantsAt(period: string, state: SettlementState): Promise<Participants> {
  if (state === 'open' || state === 'closed') {
    frozenParticipants.delete(period);
    return periodParticipants(period);
  }
  let participants = frozenParticipants.get(period);
  if (participants === undefined) {
    participants = periodParticipants(period);
    // A failed read is not kept: the next move reads again.
    const read = participants;
    read.catch(() => {
      if (frozenParticipants.get(period) === read) frozenParticipants.delete(period);
    });
    rememberFrozenParticipants(period, read);
  }
  return participants;
}

export interface Payout {
  creatorId: string;
  address: string;
  amount: bigint;
  vout: number;
}

/** The creator payments one stored transaction makes, with the output (vout) that carries each. */
export function payoutsIn(stored: StoredPlan, index: number): Payout[] {
  const built = stored.build.transactions[index];
  if (built === undefined) return [];
  const payments = new Map(stored.plan.payments.map((payment) => [payment.id, payment]));
  return built.outputs.flatMap((output, vout) =>
    output.paymentIds
      .filter((id) => id.startsWith(CREATOR_PREFIX))
      .map((id) => ({ creatorId: id.slice(CREATOR_PREFIX.length), address: output.address, amount: payments.get(id)?.amount ?? 0n, vout })),
  );
}

type PayoutKind = 'payout.sent' | 'payout.confirmed' | 'payout.reorged';

/**
 * One event per creator paid by the transaction. payout.reorged carries the height of the block
 * that left the chain in its key: the same payout may be mined, orphaned and mined again.
 */
export async function recordPayoutEvents(
  kind: PayoutKind, period: string, tx: Pick<SettlementTransaction, 'txid' | 'blockHeight'>, payouts: readonly Payout[], at: Date,
): Promise<void> {
  const suffix = kind === 'payout.reorged' ? `:${tx.blockHeight ?? 'mempool'}` : '';
  const events: NewEvent[] = payouts.map((payout) => ({
    kind,
    key: `${tx.txid}:${payout.vout}:${payout.creatorId}${suffix}`,
    occurredAt: at,
    accounts: [payout.creatorId],
    data: {
      period,
      creatorId: payout.creatorId,
      txid: tx.txid,
      vout: payout.vout,
      outpoint: `${tx.txid}:${payout.vout}`,
      address: payout.address,
      amount: formatCoins(payout.amount),
      ...(kind === 'payout.sent' ? {} : { blockHeight: tx.blockHeight ?? null }),
    },
  }));
  await recordEvents(events, at);
}
