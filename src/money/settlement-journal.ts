import { CUSTODY_ACCOUNT, PLATFORM_FEES_ACCOUNT, type Journal, type LedgerLine } from './ledger';

/**
 * The ledger side of one confirmed settlement transaction: the creators it paid are owed that much
 * less, the platform pays the network fee (and its own fee output, when this transaction carries
 * it), and the coins that left the wallet leave custody. Written once the transaction is confirmed.
 */
export const CREATOR_PAYOUT_KIND = 'creator-payout';

export interface ConfirmedPayouts {
  period: string;
  txid: string;
  /** Ledger account (`creator:<id>`) and amount of every creator payment the transaction made. */
  creatorPayments: ReadonlyArray<{ account: string; amount: bigint }>;
  /** The platform fee output of this transaction, 0n when it carries none. */
  feePaymentPaid: bigint;
  networkFee: bigint;
}

export function payoutJournal(payouts: ConfirmedPayouts): Journal {
  const lines: LedgerLine[] = payouts.creatorPayments.map(({ account, amount }) => ({ account, amount: -amount }));
  const paidToCreators = payouts.creatorPayments.reduce((sum, payment) => sum + payment.amount, 0n);
  const platform = payouts.feePaymentPaid + payouts.networkFee;
  if (platform !== 0n) lines.push({ account: PLATFORM_FEES_ACCOUNT, amount: -platform });
  lines.push({ account: CUSTODY_ACCOUNT, amount: paidToCreators + platform });
  return { id: `settlement:${payouts.period}:tx:${payouts.txid}`, kind: CREATOR_PAYOUT_KIND, period: payouts.period, lines };
}
