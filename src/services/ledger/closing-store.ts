import { forEachChunk } from '../../db/chunks';
import { isDuplicateKeyError } from '../../db/errors';
import { LedgerClosingModel } from '../../db/ledger-closing';
import { prefixRange } from './prefix-range';

// The one module that reads and writes `ledger_closings` (owners.md).

/**
 * Writes a book's closings by their deterministic ids (`<book>:<account>`): writing them again
 * inserts only the missing ones. The caller verifies what is stored afterwards.
 */
export async function insertClosings(book: string, closings: ReadonlyMap<string, bigint>, at: Date): Promise<void> {
  const docs = [...closings].map(([account, amount]) => ({ _id: closingId(book, account), period: book, account, amount, createdAt: at }));
  // In chunks, a few at a time: a book of many accounts in one insert can outlast DocumentDB's
  // command timeout (db/chunks.ts).
  await forEachChunk(docs, { size: 500, concurrency: 4 }, async (chunk) => {
    try {
      await LedgerClosingModel.insertMany(chunk, { ordered: false, throwOnValidationError: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  });
}

/** Removes a book's closings (only for a book not closed yet, whose closings no reader uses). */
export async function deleteClosings(book: string): Promise<void> {
  await LedgerClosingModel.deleteMany({ period: book });
}

/**
 * An account's closing in a closed book, by its id (one primary-key lookup), or null when that book
 * has none for it: its balance was zero at the close and the book did not move it. Not "the latest
 * closing up to the book" (a range on period, sorted): DocumentDB answered that from the
 * `{period, account}` index, scanning every closing up to the book (65 ms at 120,000 closings).
 */
export async function closingOf(book: string, account: string): Promise<bigint | null> {
  const row = await LedgerClosingModel.findById(closingId(book, account), { amount: 1, _id: 0 }).lean();
  return row === null ? null : row.amount;
}

/** A book's closings, of every account or of those under a prefix. */
export async function closingsOfBook(book: string, prefix = ''): Promise<Map<string, bigint>> {
  const filter = prefix === '' ? { period: book } : { period: book, account: prefixRange(prefix) };
  const rows = await LedgerClosingModel.find(filter, { account: 1, amount: 1, _id: 0 }).lean();
  return new Map(rows.map((row) => [row.account, row.amount]));
}

/** Every closing, streamed (the full audit). */
export async function* allClosings(): AsyncGenerator<{ book: string; account: string; amount: bigint }> {
  const cursor = LedgerClosingModel.find({}, { period: 1, account: 1, amount: 1, _id: 0 }).lean().cursor({ batchSize: 5000 });
  for await (const row of cursor) yield { book: row.period, account: row.account, amount: row.amount };
}

export function closingId(book: string, account: string): string {
  return `${book}:${account}`;
}
