import { isDuplicateKeyError } from '../../db/errors';
import { LedgerBookModel } from '../../db/ledger-book';

// The one module that reads and writes `ledger_books` (owners.md). Each transition updates only
// from the expected state and says whether it moved.

export type BookState = 'booking' | 'booked' | 'closed';

export interface Book {
  period: string;
  state: BookState;
  previous: string | null;
  entries: number | null;
  journals: number | null;
  closings: number | null;
}

export interface BookCounts {
  entries: number;
  journals: number;
  closings: number;
}

type BookRow = { _id: string; state: string; previous?: string | null; entries?: number | null; journals?: number | null; closings?: number | null };

const toBook = (row: BookRow): Book => ({
  period: row._id,
  state: row.state as BookState,
  previous: row.previous ?? null,
  entries: row.entries ?? null,
  journals: row.journals ?? null,
  closings: row.closings ?? null,
});

/** The latest closed book's period, or null before the first book is closed. */
export async function lastClosedBook(): Promise<string | null> {
  const row = await LedgerBookModel.findOne({ state: 'closed' }, { _id: 1 }).sort({ _id: -1 }).lean();
  return row?._id ?? null;
}

/**
 * The last closed book as this process last saw it (docs/ledger.md, "A balance"): any closed book
 * is a correct base for a balance read, an older one only means more entries since, so a reader
 * may use it instead of reading the books first. Re-read at most every REMEMBERED_BOOK_MAX_AGE_MS,
 * and set at once when this process closes a book.
 */
let remembered: { book: string | null; readAt: number } | undefined;
const REMEMBERED_BOOK_MAX_AGE_MS = 1_000;

/** A monotonic clock for the age of the remembered book only (no business time). */
const monotonicMs = (): number => Number(process.hrtime.bigint() / 1_000_000n);

/**
 * A closed book (or null: none closed yet) to read balances from: the one this process remembers,
 * read the first time. When it is older than REMEMBERED_BOOK_MAX_AGE_MS, `refresh` re-reads the
 * last closed book for the next readers (the caller awaits it beside its own reads, so it adds no
 * round trip). A stale book and null are correct bases too (null: the plain sum of the entries).
 */
export async function closedBookToReadFrom(): Promise<{ book: string | null; refresh: Promise<unknown> }> {
  const now = monotonicMs();
  if (remembered === undefined) {
    const book = await lastClosedBook();
    rememberClosedBook(book, now);
    return { book, refresh: Promise.resolve() };
  }
  const { book } = remembered;
  if (now - remembered.readAt < REMEMBERED_BOOK_MAX_AGE_MS) return { book, refresh: Promise.resolve() };
  remembered = { book, readAt: now }; // concurrent readers do not all refresh it
  return { book, refresh: lastClosedBook().then((last) => rememberClosedBook(last, now)) };
}

/** Remembers `book` as closed (a refresh that read an older one meanwhile is still correct). */
export function rememberClosedBook(book: string | null, readAt = monotonicMs()): void {
  remembered = { book, readAt };
}

export async function findBook(period: string): Promise<Book | null> {
  const row = await LedgerBookModel.findById(period).lean<BookRow>();
  return row === null ? null : toBook(row);
}

/** The latest book of any state before `period`, or null. */
export async function bookBefore(period: string): Promise<Book | null> {
  const row = await LedgerBookModel.findOne({ _id: { $lt: period } }).sort({ _id: -1 }).lean<BookRow>();
  return row === null ? null : toBook(row);
}

/** The latest book of any state after `period`, or null. */
export async function bookAfter(period: string): Promise<Book | null> {
  const row = await LedgerBookModel.findOne({ _id: { $gt: period } }).sort({ _id: 1 }).lean<BookRow>();
  return row === null ? null : toBook(row);
}

/** Opens a book in state `booking` (a unique insert: a second opening finds the first). */
export async function openBook(period: string, previous: string | null, at: Date): Promise<Book> {
  try {
    await LedgerBookModel.create({ _id: period, state: 'booking', previous, createdAt: at });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  const book = await findBook(period);
  if (book === null) throw new Error(`ledger book ${period} vanished after it was opened`);
  return book;
}

/** booking -> booked: the book's entries are fixed from here on. */
export async function markBooked(period: string): Promise<boolean> {
  const result = await LedgerBookModel.updateOne({ _id: period, state: 'booking' }, { $set: { state: 'booked' } });
  return result.modifiedCount === 1;
}

/** booked -> closed, with its counts: readers use its closings from here on. */
export async function markClosed(period: string, counts: BookCounts, at: Date): Promise<boolean> {
  const result = await LedgerBookModel.updateOne({ _id: period, state: 'booked' }, { $set: { state: 'closed', ...counts, closedAt: at } });
  if (result.modifiedCount === 1) rememberClosedBook(period);
  return result.modifiedCount === 1;
}

/** Every book, oldest first (the full audit). */
export async function allBooks(): Promise<Book[]> {
  return (await LedgerBookModel.find({}).sort({ _id: 1 }).lean<BookRow[]>()).map(toBook);
}
