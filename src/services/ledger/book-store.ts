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
  return result.modifiedCount === 1;
}

/** Every book, oldest first (the full audit). */
export async function allBooks(): Promise<Book[]> {
  return (await LedgerBookModel.find({}).sort({ _id: 1 }).lean<BookRow[]>()).map(toBook);
}
