import { balanceFrom, balancesFrom } from '../../money/carry-forward';
import { lastClosedBook } from './book-store';
import { closingsOfBook, latestClosing } from './closing-store';
import { entriesAfterBook } from './ledger-store';

// Balances from the last closing and the entries since (docs/ledger.md): the cost of a read
// follows the entries since the last closed book, not the ledger's history.

/** One account's balance: its latest closing plus its entries in no book or a later one. */
export async function accountBalance(account: string): Promise<bigint> {
  const closed = await lastClosedBook();
  if (closed === null) return balanceFrom(0n, await entriesAfterBook(null, { account }));
  const closing = await latestClosing(account, closed);
  // Every account a closed book moves has a closing in it: without one, all its entries are later.
  return balanceFrom(closing?.amount ?? 0n, await entriesAfterBook(closing?.book ?? closed, { account }));
}

/**
 * Balances of every account whose name starts with `prefix` (e.g. `donor:`; '' for all): the last
 * closed book's closings (every non-zero balance at its close) plus the entries since.
 */
export async function balancesByPrefix(prefix: string): Promise<Map<string, bigint>> {
  const closed = await lastClosedBook();
  const closings = closed === null ? new Map<string, bigint>() : await closingsOfBook(closed, prefix);
  return balancesFrom(closings, await entriesAfterBook(closed, { prefix }));
}
