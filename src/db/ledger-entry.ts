import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { baseSchemaOptions, createdAt, requiredAmount, PERIOD_PATTERN } from './fields';

const ledgerEntrySchema = new Schema(
  {
    /** Deterministic id of the journal (e.g. `deposit:<txid>:<vout>`, `settlement:<period>`). */
    journalId: { type: String, required: true },
    /** Ledger account, e.g. `donor:<id>`, `creator:<id>`, `platform:fees`, `chain:fees`, `custody`. */
    account: { type: String, required: true },
    /** Signed; the entries of one journal sum to zero. */
    amount: requiredAmount,
    kind: { type: String, required: true },
    /** The month the journal is about (settlement journals), not when it was written. */
    period: { type: String, match: PERIOD_PATTERN },
    /**
     * The ledger book (a settled month, `YYYY-MM`) whose closing balances include this entry.
     * Absent until the settlement that closes the next book assigns it (set once, from absent):
     * entries are counted by book, never by their date, so a late entry is simply booked into the
     * next book to close (docs/ledger.md).
     */
    book: { type: String, match: PERIOD_PATTERN },
    createdAt,
  },
  { ...baseSchemaOptions, collection: 'ledger_entries' },
);

// Writing a journal again changes nothing: each (journal, account) pair exists once.
ledgerEntrySchema.index({ journalId: 1, account: 1 }, { unique: true });
// One account's entries since its last closing: an index range (absent book, then book > closing).
ledgerEntrySchema.index({ account: 1, book: 1 });
// A book's entries (closing it, checking it) and the entries of all accounts since the last book.
ledgerEntrySchema.index({ book: 1, account: 1 });
ledgerEntrySchema.index({ period: 1, kind: 1 });

export type LedgerEntry = InferSchemaType<typeof ledgerEntrySchema> & { _id: Types.ObjectId };
export const LedgerEntryModel = model('LedgerEntry', ledgerEntrySchema);
