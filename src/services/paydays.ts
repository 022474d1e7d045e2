import { formatCoins } from '../money/amount';
import { snapshotRootsOf } from './reserves/reserves-store';
import { confirmedSettlementsBefore, type ConfirmedSettlementRow } from './settlement/settlement-store';

/**
 * The public paydays (GET /api/v1/paydays, /paydays, /paydays.atom): per confirmed month, the
 * settlement's totals, its transactions, its allocation root and its proof-of-reserves root. Only
 * aggregates and txids: nothing here names or identifies a donor. One read of the months shown
 * (and one of their reserves roots), never of the whole history.
 */

export interface Payday {
  period: string;
  donors: number;
  clicks: number;
  creatorsPaid: number;
  /** Decimal coin strings. */
  charged: string;
  paid: string;
  carried: string;
  returned: string;
  serviceFee: string;
  networkFee: string;
  txids: string[];
  /** The allocation tree's root committed on chain (docs/proofs.md), null before commitments existed. */
  allocationRoot: string | null;
  /** The root of the proof-of-reserves snapshot taken after this month, null if none was. */
  reservesRoot: string | null;
  /** When the last transaction was seen confirmed (else when the settlement was last written). */
  confirmedAt: string;
}

export interface PaydaysPage {
  paydays: Payday[];
  /** Pass as `before` for the next (older) page; null when there is none. */
  next: string | null;
}

export const PAYDAYS_DEFAULT = 12;
export const PAYDAYS_MAX = 100;

/** The month's allocation root (hex) as committed on chain; null for months settled before commitments. */
export function allocationRootOf(settlement: Pick<ConfirmedSettlementRow, 'commitment'>): string | null {
  return settlement.commitment?.root ?? null;
}

/** A confirmed settlement as a payday (pure: the store's row and the reserves root in). */
export function paydayOf(row: ConfirmedSettlementRow, reservesRoot: string | null): Payday {
  const summary = row.summary;
  const zero = 0n;
  const confirmed = row.transactions.map((tx) => tx.confirmedAt).filter((at): at is Date => at instanceof Date);
  const last = confirmed.length > 0 ? new Date(Math.max(...confirmed.map((at) => at.getTime()))) : row.updatedAt;
  return {
    period: row._id,
    donors: summary?.donorsCharged ?? 0,
    clicks: summary?.clicks ?? 0,
    creatorsPaid: summary?.creatorsPaid ?? 0,
    charged: formatCoins(summary?.charged ?? zero),
    paid: formatCoins(summary?.paidToCreators ?? zero),
    carried: formatCoins(summary?.carried ?? zero),
    returned: formatCoins(summary?.refunded ?? zero),
    serviceFee: formatCoins(summary?.serviceFee ?? zero),
    networkFee: formatCoins(summary?.networkFee ?? zero),
    txids: row.transactions.map((tx) => tx.txid),
    allocationRoot: allocationRootOf(row),
    reservesRoot,
    confirmedAt: last.toISOString(),
  };
}

/** Up to `limit` confirmed months before `before` (a period; all when absent), newest first. */
export async function paydays(query: { before?: string; limit: number }): Promise<PaydaysPage> {
  const rows = await confirmedSettlementsBefore(query.before, query.limit);
  const roots = await snapshotRootsOf(rows.map((row) => row._id));
  const list = rows.map((row) => paydayOf(row, roots.get(row._id) ?? null));
  return { paydays: list, next: list.length === query.limit ? (list[list.length - 1]?.period ?? null) : null };
}
