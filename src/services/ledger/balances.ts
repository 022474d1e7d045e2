import { balanceFrom, balancesFrom } from '../../money/carry-forward';
import { closedBookToReadFrom, lastClosedBook } from './book-store';
import { closingOf, closingsOfBook } from './closing-store';
import { entriesAfterBook, entriesInBooksAfter, unbookedEntries } from './ledger-store';

// Balances from the last closing and the entries since (docs/ledger.md): the cost of a read
// follows the entries since the last closed book, not the ledger's history.

/**
 * One account's balance from a closed book B (the one this process remembers: any closed book is
 * a correct base, see below): its closing in B (none: zero) plus its entries in no book or in a
 * book after B, in two round trips (entries in no book beside the closing, then entries in later
 * books).
 *
 * Why any closed book B is a correct base: B's closings were checked complete before it closed:
 * they cover every account with a non-zero balance at its close and every account it moved, so an
 * account without one had a zero balance then. The entries counted after B's close are exactly
 * those in no book or in a book after B: books are assigned in order and only ever after the last
 * closed one. An older B than the last closed only means more entries since.
 *
 * Why nothing is missed while a book is being assigned: an entry only moves from "no book" to the
 * book being closed (after B). Those in no book are read first, then those in later books, and
 * merged by id: an entry missing from the first read had moved before it, so the second sees it.
 */
export async function accountBalance(account: string): Promise<bigint> {
  const { book, refresh } = await closedBookToReadFrom();
  if (book === null) {
    const [entries] = await Promise.all([entriesAfterBook(null, { account }), refresh]);
    return balanceFrom(0n, entries);
  }
  const [unbooked, closing] = await Promise.all([unbookedEntries({ account }), closingOf(book, account), refresh]);
  const later = await entriesInBooksAfter(book, { account });
  const since = new Map([...unbooked, ...later].map((line) => [line.id, line]));
  return balanceFrom(closing ?? 0n, since.values());
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
