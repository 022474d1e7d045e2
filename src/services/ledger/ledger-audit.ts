import { journalImbalances } from '../../money/carry-forward';
import { auditLedger, emptyTally, tallyEntry, type AuditReport } from '../../money/ledger-audit';
import { balancesByPrefix } from './balances';
import { allBooks } from './book-store';
import { allClosings } from './closing-store';
import { allEntries } from './ledger-store';

/**
 * Reads the whole ledger (every entry, book and closing) and recomputes every balance from all
 * the entries: the full audit behind `kibble audit --full`. Its cost grows with the ledger's
 * history, which is why nothing on the daily path calls it.
 */
export async function fullAudit(): Promise<AuditReport> {
  const tally = emptyTally();
  for await (const entry of allEntries()) tallyEntry(tally, entry);
  const books = await allBooks();
  const closings = new Map<string, Map<string, bigint>>();
  for await (const closing of allClosings()) {
    let book = closings.get(closing.book);
    if (book === undefined) closings.set(closing.book, (book = new Map<string, bigint>()));
    book.set(closing.account, closing.amount);
  }
  const fastBalances = await balancesByPrefix('');
  return auditLedger({ tally, books, closings, fastBalances });
}

/** Every journal whose entries do not sum to zero, from all the entries (tests and the demo's checks). */
export async function unbalancedJournals(): Promise<string[]> {
  const lines = [];
  for await (const entry of allEntries()) lines.push(entry);
  return [...journalImbalances(lines).keys()];
}
