import type { ChainProfile } from '../../config/chains';
import { DepositModel, type Deposit } from '../../db/deposit';
import { depositCreditJournal, depositReversalJournal } from '../../money/ledger';
import { recordJournal } from '../ledger';

/** Confirmations of a block at `height` when the node's tip is `tip`; computed, never stored. */
export function confirmationsAt(height: number, tip: number): number {
  return height > tip ? 0 : tip - height + 1;
}

/** Confirmations a deposit needs before it is credited: coinbase outputs must also be mature. */
export function requiredConfirmations(deposit: Pick<Deposit, 'coinbase'>, minConfirmations: number, chain: ChainProfile): number {
  return deposit.coinbase ? Math.max(minConfirmations, chain.coinbaseMaturity + 1) : minConfirmations;
}

/**
 * Credits every pending deposit that has enough confirmations. The journal is written first
 * (its id carries the credit number), then the status flips: a crash between the two leaves a
 * journal that the next pass writes again as a no-op before flipping, so nothing is doubled.
 */
export async function creditConfirmedDeposits(tip: number, minConfirmations: number, chain: ChainProfile, at: Date): Promise<number> {
  const lowestNeeded = Math.min(minConfirmations, chain.coinbaseMaturity + 1);
  const candidates = await DepositModel.find({ status: 'pending', blockHeight: { $lte: tip - lowestNeeded + 1 } }).lean();
  let credited = 0;
  for (const deposit of candidates) {
    if (confirmationsAt(deposit.blockHeight, tip) < requiredConfirmations(deposit, minConfirmations, chain)) continue;
    const creditSeq = deposit.creditSeq + 1;
    await recordJournal(depositCreditJournal(deposit._id, creditSeq, String(deposit.accountId), deposit.amount), at);
    // By _id alone: FerretDB reads every document for any richer filter. The state was just read,
    // and the scanner runs under a lease; the journal id, not this update, prevents a double credit.
    await DepositModel.updateOne({ _id: deposit._id }, { $set: { status: 'credited', creditSeq, creditedAt: at } });
    credited += 1;
  }
  return credited;
}

/** Reverses the credit of a deposit whose block left the best chain, and marks it orphaned. */
export async function orphanDeposit(deposit: Deposit, at: Date): Promise<void> {
  if (deposit.status === 'credited') {
    await recordJournal(depositReversalJournal(deposit._id, deposit.creditSeq, String(deposit.accountId), deposit.amount), at);
  }
  await DepositModel.updateOne({ _id: deposit._id, status: deposit.status }, { $set: { status: 'orphaned' }, $unset: { creditedAt: 1 } });
}
