import { balanceFrom, balancesFrom } from '../../money/carry-forward';
import { lastClosedBook } from './book-store';
import { closingsOfBook, latestClosing } from './closing-store';
import { entriesAfterBook, entriesInBooksAfter, unbookedEntries } from './ledger-store';

// Balances from the last closing and the entries since (docs/ledger.md): the cost of a read
// follows the entries since the last closed book, not the ledger's history.

/**
 * One account's balance: its latest closing plus its entries in no book or a book after the last
 * closed one, in two round trips. Every account a closed book moves has a closing in it, so an
 * account's latest closing is in the last closed book or it has no entries in the books between.
 * The entries in no book are read before those in later books (see entriesAfterBook), merged by id.
 */
export async function accountBalance(account: string): Promise<bigint> {
  const [closed, unbooked] = await Promise.all([lastClosedBook(), unbookedEntries({ account })]);
  if (closed === null) return balanceFrom(0n, await entriesAfterBook(null, { account }));
  const [closing, later] = await Promise.all([latestClosing(account, closed), entriesInBooksAfter(closed, { account })]);
  const since = new Map([...unbooked, ...later].map((line) => [line.id, line]));
  return balanceFrom(closing?.amount ?? 0n, since.values());
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
