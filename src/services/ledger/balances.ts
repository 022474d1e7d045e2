import { balanceFrom, balancesFrom } from '../../money/carry-forward';
import { closedBookToReadFrom, lastClosedBook } from './book-store';
import { closingOf, closingsOfBook } from './closing-store';
import { accountEntriesSince, entriesAfterBook } from './ledger-store';

// Balances from the last closing and the entries since (docs/ledger.md): the cost of a read
// follows the entries since the last closed book, not the ledger's history.

/**
 * One account's balance from a closed book B (the one this process remembers: any closed book is
 * a correct base, see below): its closing in B (none: zero) plus its entries in no book or in a
 * book after B. One round trip: the closing (immutable once B closed, so its read need not be
 * ordered with the entries') beside one query for the entries since (`accountEntriesSince`: one
 * statement, see there why it misses nothing while a book is being assigned). An account with
 * many entries since (custody, fees) has them read by the two ordered reads after that.
 *
 * Why any closed book B is a correct base: B's closings were checked complete before it closed:
 * they cover every account with a non-zero balance at its close and every account it moved, so an
 * account without one had a zero balance then. The entries counted after B's close are exactly
 * those in no book or in a book after B: books are assigned in order and only ever after the last
 * closed one. An older B than the last closed only means more entries since.
 */
export async function accountBalance(account: string, options: { oneReadLimit?: number } = {}): Promise<bigint> {
  const { book, refresh } = await closedBookToReadFrom();
  if (book === null) {
    const [entries] = await Promise.all([entriesAfterBook(null, { account }), refresh]);
    return balanceFrom(0n, entries);
  }
  const [since, closing] = await Promise.all([accountEntriesSince(book, account, options.oneReadLimit), closingOf(book, account), refresh]);
  return balanceFrom(closing ?? 0n, since ?? (await entriesAfterBook(book, { account })));
}

/**
 * Balances of every account whose name starts with `prefix` (e.g. `donor:`; '' for all): the last
 * closed book's closings (every non-zero balance at its close) plus the entries since, read beside
 * them (the closings of a closed book do not change). Its cost follows the accounts with money and
 * the entries since, not the ledger's history.
 */
export async function balancesByPrefix(prefix: string): Promise<Map<string, bigint>> {
  const closed = await lastClosedBook();
  const [closings, since] = await Promise.all([
    closed === null ? new Map<string, bigint>() : closingsOfBook(closed, prefix),
    entriesAfterBook(closed, { prefix }),
  ]);
  return balancesFrom(closings, since);
}
