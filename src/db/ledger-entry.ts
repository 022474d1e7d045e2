import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { baseSchemaOptions, createdAt, requiredAmount, PERIOD_PATTERN } from './fields';

const ledgerEntrySchema = new Schema(
  {
    /**
     * `ledgerEntryId(journalId, account)` (money/ledger.ts): writing a journal again hits the
     * primary key, so each (journal, account) pair exists once. Entries written before these ids
     * (a database from before December 2026) keep their ObjectId; the writer skips their pairs.
     */
    _id: { type: Schema.Types.Mixed, required: true },
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

// No index on {journalId, account}: the `_id` is the key, and one journal's entries are a range of
// it (ledger-store.ts, journalRange). A compound unique index led by a repeated value (half the
// entries are `custody`'s) cost each insert on DocumentDB a pass over the entries sharing it
// (docs/ledger.md); the plain one that replaced it cost each insert an index write for reads
// the `_id` answers.
// One account's entries since its last closing: an index range (absent book, then book > closing).
// Both ordered on DocumentDB, as every index (ordered-index.ts). The readers hint which one (ledger-store.ts): its
// planner answered one account's read from `{book, account}`, reading the whole month's entries.
ledgerEntrySchema.index({ account: 1, book: 1 });
// A book's entries (closing it, checking it) and the entries of all accounts (or a prefix's) since
// the last book.
ledgerEntrySchema.index({ book: 1, account: 1 });
// No index on {period, kind}: no query reads by them, and every index is written with each entry
// (two per deposit the scanner credits): on DocumentDB an index costs an insert about as much as
// the document itself (docs/benchmarks.md, bench:scan).

export type LedgerEntry = Omit<InferSchemaType<typeof ledgerEntrySchema>, '_id'> & { _id: string | Types.ObjectId };
export const LedgerEntryModel = model('LedgerEntry', ledgerEntrySchema);
