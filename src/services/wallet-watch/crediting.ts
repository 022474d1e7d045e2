import type { ChainProfile } from '../../chain/profiles';
import { formatCoins } from '../../money/amount';
import { depositCreditJournal, depositReversalJournal } from '../../money/ledger';
import { recordEvents, type NewEvent } from '../events/outbox';
import { recordJournals, writtenJournalIds } from '../ledger/ledger-store';
import { markDanglingDepositOrphaned, markDepositsCredited, markDepositsOrphaned, pendingDepositsUpTo, type Deposit } from './deposit-store';

/** Confirmations of a block at `height` when the node's tip is `tip`; computed, never stored. */
export function confirmationsAt(height: number, tip: number): number {
  return height > tip ? 0 : tip - height + 1;
}

/** Confirmations a deposit needs before it is credited: coinbase outputs must also be mature. */
export function requiredConfirmations(deposit: Pick<Deposit, 'coinbase'>, minConfirmations: number, chain: ChainProfile): number {
  return deposit.coinbase ? Math.max(minConfirmations, chain.coinbaseMaturity + 1) : minConfirmations;
}

/**
 * The deposit.credited event of a credit (both ways a deposit gets credited record it). The
 * credit number is in the key: a deposit credited again after a reorg is a new credit.
 */
export function depositCreditedEvent(
  credit: { key: string; creditNumber: number; accountId: string; amount: bigint; blockHeight: number }, at: Date,
): NewEvent {
  return {
    kind: 'deposit.credited',
    key: `${credit.key}:${credit.creditNumber}`,
    occurredAt: at,
    accounts: [credit.accountId],
    data: { deposit: credit.key, accountId: credit.accountId, amount: formatCoins(credit.amount), blockHeight: credit.blockHeight },
  };
}

/**
 * Credits every pending deposit that has enough confirmations. All journals of the pass are
 * written first, in one round trip (their ids carry the credit number), then the statuses flip,
 * one updateMany per previous credit number (almost always a single one). A crash between the two
 * leaves journals that the next pass writes again as a no-op before flipping, so nothing is
 * doubled; a crash part-way through the flips leaves the rest pending, with the same credit number.
 */
export async function creditConfirmedDeposits(tip: number, minConfirmations: number, chain: ChainProfile, at: Date): Promise<number> {
  const lowestNeeded = Math.min(minConfirmations, chain.coinbaseMaturity + 1);
  const candidates = await pendingDepositsUpTo(tip - lowestNeeded + 1);
  const due = candidates.filter((deposit) => confirmationsAt(deposit.blockHeight, tip) >= requiredConfirmations(deposit, minConfirmations, chain));
  if (due.length === 0) return 0;
  await recordJournals(
    due.map((deposit) => depositCreditJournal(deposit._id, deposit.creditSeq + 1, String(deposit.accountId), deposit.amount)),
    at,
  );
  // Before the flips: a crash after them would leave nothing pending to record the events from.
  // The credit number is in the key: a deposit credited again after a reorg is a new credit.
  await recordEvents(
    due.map((deposit) => depositCreditedEvent({ key: deposit._id, creditNumber: deposit.creditSeq + 1, accountId: String(deposit.accountId), amount: deposit.amount, blockHeight: deposit.blockHeight }, at)),
    at,
  );
  // Grouped by the credit number read, which is set explicitly (not $inc), so a repeated flip
  // changes nothing. On FerretDB any filter but a bare `{_id}` reads the whole collection once,
  // which one updateMany does for all the keys, rather than once per updated document; being a
  // full read anyway, the filter also requires the state just read (pending, same credit number).
  let credited = 0;
  for (const [previousSeq, keys] of keysByCreditSeq(due)) {
    credited += await markDepositsCredited(keys, previousSeq, at);
  }
  return credited;
}

/**
 * Reverses the credits of deposits whose block left the best chain and marks them orphaned (a
 * reorg): every reversal journal (with the credit it reverses, written again: a no-op when there) in one round trip first, then one
 * updateMany per status and credit number read (each one full read on FerretDB, rather than one
 * per deposit). The filter requires the status and credit number read; a crash part-way is finished by the
 * next pass, whose reversal ids are the same. A pending deposit whose next credit journal exists
 * already (a crash between a journal and its status flip, or a block written again after a crash)
 * has that credit reversed too, and its credit number moved to it.
 */
export async function orphanDeposits(deposits: readonly Deposit[], at: Date, hooks: { reversalsWritten?: () => void | Promise<void> } = {}): Promise<void> {
  if (deposits.length === 0) return;
  const pending = deposits.filter((deposit) => deposit.status === 'pending');
  const nextCreditId = (deposit: Deposit): string => depositCreditJournal(deposit._id, deposit.creditSeq + 1, String(deposit.accountId), deposit.amount).id;
  const written = await writtenJournalIds(pending.map(nextCreditId));
  const dangling = pending.filter((deposit) => written.has(nextCreditId(deposit)));
  const credited = deposits.filter((deposit) => deposit.status === 'credited');
  await recordJournals(
    [
      // A credit first seen buried is stored credited before its journal (block-writes.ts): a
      // pass stopped in between left the document without it. Written again (a no-op when there)
      // so that the reversal never takes back a credit that was not given.
      ...credited.map((deposit) => depositCreditJournal(deposit._id, deposit.creditSeq, String(deposit.accountId), deposit.amount)),
      ...credited.map((deposit) => depositReversalJournal(deposit._id, deposit.creditSeq, String(deposit.accountId), deposit.amount)),
      ...dangling.map((deposit) => depositReversalJournal(deposit._id, deposit.creditSeq + 1, String(deposit.accountId), deposit.amount)),
    ],
    at,
  );
  await hooks.reversalsWritten?.();
  for (const deposit of dangling) await markDanglingDepositOrphaned(deposit._id, deposit.creditSeq);
  // From the status and credit number read, whose credit was just reversed: a scanner that lost
  // its lease part-way must not orphan a deposit that another instance has finished this rollback
  // for, rescanned and credited again since. That credit would stay, never reversed, and the next
  // rescan would return the deposit and credit it once more.
  for (const status of ['credited', 'pending'] as const) {
    for (const [creditSeq, keys] of keysByCreditSeq(deposits.filter((deposit) => deposit.status === status))) {
      await markDepositsOrphaned(keys, status, creditSeq);
    }
  }
}

/** The deposits' keys by their credit number (almost always a single one). */
function keysByCreditSeq(deposits: readonly Deposit[]): Map<number, string[]> {
  const bySeq = new Map<number, string[]>();
  for (const deposit of deposits) {
    const keys = bySeq.get(deposit.creditSeq) ?? [];
    keys.push(deposit._id);
    bySeq.set(deposit.creditSeq, keys);
  }
  return bySeq;
}
