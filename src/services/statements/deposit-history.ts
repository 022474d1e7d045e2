import { objectIdOf } from '../things/things';
import { depositHistoryOf } from '../wallet-watch/deposit-store';
import { confirmationsOf } from '../../money/statements';

/** One deposit as its history lists it; credited ones stay listed for good. */
export interface DepositHistoryRow {
  txid: string;
  vout: number;
  amount: bigint;
  status: 'pending' | 'credited';
  blockHeight: number;
  seenAt: Date;
  creditedAt: Date | null;
  /** From the node's tip; null while it is unknown. */
  confirmations: number | null;
}

export interface DepositHistoryPage {
  total: number;
  offset: number;
  limit: number;
  deposits: DepositHistoryRow[];
}

export const DEPOSIT_PAGE_DEFAULT = 20;
export const DEPOSIT_PAGE_MAX = 100;

/** A page of the account's deposits, latest first (reorged-away ones are not listed). */
export async function depositHistory(accountId: string, page: { offset: number; limit: number }, tip: () => Promise<number | undefined>): Promise<DepositHistoryPage> {
  const limit = Math.max(1, Math.min(page.limit, DEPOSIT_PAGE_MAX));
  const offset = Math.max(0, page.offset);
  const [{ total, deposits }, height] = await Promise.all([depositHistoryOf(objectIdOf(accountId, 'account').toHexString(), { offset, limit }), tip()]);
  return {
    total,
    offset,
    limit,
    deposits: deposits.map((deposit) => ({
      txid: deposit.txid,
      vout: deposit.vout,
      amount: deposit.amount,
      status: deposit.status === 'credited' ? 'credited' : 'pending',
      blockHeight: deposit.blockHeight,
      seenAt: deposit.seenAt,
      creditedAt: deposit.creditedAt ?? null,
      confirmations: confirmationsOf(deposit.blockHeight, height),
    })),
  };
}
