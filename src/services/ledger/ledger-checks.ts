import { formatCoins } from '../../money/amount';
import { carryForward, closingDifferences, journalImbalances, total, type ClosingDifference, type JournalLine } from '../../money/carry-forward';
import { findBook, lastClosedBook, type Book } from './book-store';
import { closingsOfBook } from './closing-store';
import { bookEntries, entriesAfterBook, journalEntries } from './ledger-store';

/** What one book holds and what its closings should be, read from the database. */
export interface BookCheck {
  entries: JournalLine[];
  /** Journals of the book whose entries do not sum to zero (with the sum). */
  unbalanced: Map<string, bigint>;
  expected: Map<string, bigint>;
  stored: Map<string, bigint>;
  differences: ClosingDifference[];
}

/** Reads a book's entries, the previous book's closings and its own; compares them. */
export async function checkBook(book: Pick<Book, 'period' | 'previous'>): Promise<BookCheck> {
  const [entries, previous, stored] = await Promise.all([
    bookEntries(book.period),
    book.previous === null ? Promise.resolve(new Map<string, bigint>()) : closingsOfBook(book.previous),
    closingsOfBook(book.period),
  ]);
  const expected = carryForward(previous, entries);
  return { entries, unbalanced: journalImbalances(entries), expected, stored, differences: closingDifferences(expected, stored) };
}

/**
 * The ledger's checks before signing: the last closed book carries the one before it forward
 * exactly (its closings = previous closings + its entries, every journal in it balances, they sum
 * to zero), and every journal since balances, so closings + entries since sum to zero. The work
 * follows the last book's entries and accounts and the entries since, not the ledger's history.
 */
export async function ledgerProblems(): Promise<string[]> {
  const problems: string[] = [];
  const closed = await lastClosedBook();
  let carried = 0n;
  if (closed !== null) {
    const book = await findBook(closed);
    if (book === null) return [`ledger book ${closed} vanished while it was read`];
    const check = await checkBook(book);
    for (const [journalId, sum] of check.unbalanced) problems.push(`invariant 1 (journals balance): journal ${journalId} in ledger book ${closed} sums to ${formatCoins(sum)}`);
    const first = check.differences[0];
    if (first !== undefined) {
      problems.push(
        `ledger book ${closed}: ${check.differences.length} closing balance(s) differ from the previous closings plus the book's entries ` +
          `(first: ${first.account} should be ${formatCoins(first.expected)}, stored ${first.stored === null ? 'nothing' : formatCoins(first.stored)}); run \`kibble audit --full\``,
      );
    }
    carried = total(check.stored.values());
    if (carried !== 0n) problems.push(`ledger book ${closed}: its closing balances sum to ${formatCoins(carried)}, not zero`);
  }
  const since = await entriesAfterBook(closed, { prefix: '' });
  const unbalanced = await stillUnbalanced(journalImbalances(since));
  for (const [journalId, sum] of unbalanced) problems.push(`invariant 1 (journals balance): journal ${journalId} sums to ${formatCoins(sum)}`);
  const sinceTotal = total(since.map((line) => line.amount));
  if (unbalanced.size === 0 && carried + sinceTotal !== 0n) {
    problems.push(`the carried totals do not balance: closings sum to ${formatCoins(carried)} and the entries since to ${formatCoins(sinceTotal)}`);
  }
  return problems;
}

/** Journals that looked unbalanced, read again whole (one may have been half-written when read). */
async function stillUnbalanced(suspects: Map<string, bigint>): Promise<Map<string, bigint>> {
  if (suspects.size === 0) return suspects;
  return journalImbalances(await journalEntries([...suspects.keys()]));
}
