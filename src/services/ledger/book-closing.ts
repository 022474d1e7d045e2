import { KibbleError } from '../../errors';
import { formatCoins } from '../../money/amount';
import { journalImbalances, total } from '../../money/carry-forward';
import { bookAfter, bookBefore, findBook, markBooked, markClosed, openBook, type Book } from './book-store';
import { deleteClosings, insertClosings } from './closing-store';
import { checkBook } from './ledger-checks';
import { assignJournalEntries, assignUnbookedEntries, bookEntries } from './ledger-store';

export interface CloseBookHooks {
  /** Called once the closings are written, before the book is marked closed (the crash tests). */
  afterClosingsWritten?: () => void | Promise<void>;
}

/**
 * Closes the ledger book of a settled month (docs/ledger.md), idempotently and resumably, with
 * single-document writes only:
 * 1. `booking`: every entry in no book yet is assigned to this one (the journals caught half-way
 *    are completed or refused), then the book moves to `booked`: its entries are fixed.
 * 2. `booked`: the closings (previous closings + the book's entries) are computed, checked
 *    (journals balance, closings sum to zero) and written by deterministic ids; what is stored is
 *    read back and compared, then the book moves to `closed`, and readers use it.
 * A crash anywhere resumes from the stored state: in `booked` the same entries give the same
 * closings. Books close in order, each carrying the one before it forward.
 */
export async function closeBook(period: string, at: Date, hooks: CloseBookHooks = {}): Promise<Book> {
  let book = (await findBook(period)) ?? (await openNextBook(period, at));
  if (book.state === 'closed') return book;
  if (book.state === 'booking') {
    await assignUnbookedEntries(period);
    await completeHalfSeenJournals(period);
    await markBooked(period);
    book = { ...book, state: 'booked' };
  }
  return writeClosings(book, at, hooks);
}

async function openNextBook(period: string, at: Date): Promise<Book> {
  const later = await bookAfter(period);
  if (later !== null) throw new KibbleError('ledger-inconsistent', `ledger book ${later.period} exists already: books close in order, so ${period} cannot be closed after it`);
  const previous = await bookBefore(period);
  if (previous !== null && previous.state !== 'closed') {
    throw new KibbleError('ledger-inconsistent', `ledger book ${previous.period} is ${previous.state}, not closed: the settlement of ${previous.period} must finish closing it first`);
  }
  return openBook(period, previous?.period ?? null, at);
}

/**
 * A journal written while the entries were being assigned may have only some of its entries in
 * the book: its other entries are assigned too. One still unbalanced then is refused (a resume
 * assigns the entries written meanwhile).
 */
async function completeHalfSeenJournals(period: string): Promise<void> {
  const halfSeen = journalImbalances(await bookEntries(period));
  if (halfSeen.size === 0) return;
  await assignJournalEntries(period, [...halfSeen.keys()]);
  const unbalanced = journalImbalances(await bookEntries(period));
  const [first] = unbalanced;
  if (first !== undefined) {
    throw new KibbleError('ledger-unbalanced', `ledger book ${period} is not closed: journal ${first[0]} sums to ${formatCoins(first[1])} (${unbalanced.size} journal(s) unbalanced)`);
  }
}

async function writeClosings(book: Book, at: Date, hooks: CloseBookHooks): Promise<Book> {
  const check = await checkBook(book);
  const [unbalanced] = check.unbalanced;
  if (unbalanced !== undefined) throw new KibbleError('ledger-unbalanced', `ledger book ${book.period} is not closed: journal ${unbalanced[0]} sums to ${formatCoins(unbalanced[1])}`);
  const sum = total(check.expected.values());
  if (sum !== 0n) throw new KibbleError('ledger-inconsistent', `ledger book ${book.period} is not closed: its closing balances would sum to ${formatCoins(sum)}, not zero`);
  if (check.differences.length > 0) {
    // A closing stored with another amount can only come from a run that died with other entries
    // (or a hand edit): no reader uses an unclosed book's closings, so they are written again.
    if (check.differences.some((row) => row.stored !== null)) await deleteClosings(book.period);
    await insertClosings(book.period, check.expected, at);
    await hooks.afterClosingsWritten?.();
    const again = await checkBook(book);
    const [first] = again.differences;
    if (first !== undefined) {
      throw new KibbleError('ledger-inconsistent', `ledger book ${book.period}: the closing of ${first.account} reads back as ${first.stored === null ? 'nothing' : formatCoins(first.stored)}, not ${formatCoins(first.expected)}`);
    }
  }
  const journals = new Set(check.entries.map((line) => line.journalId)).size;
  await markClosed(book.period, { entries: check.entries.length, journals, closings: check.expected.size }, at);
  const closed = await findBook(book.period);
  if (closed?.state !== 'closed') throw new KibbleError('ledger-inconsistent', `ledger book ${book.period} did not close (state ${closed?.state ?? 'missing'})`);
  return closed;
}
