import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions, createdAt, requiredAmount, requiredPeriod } from './fields';

/**
 * An account's balance at the close of a ledger book: every entry booked into that book or an
 * earlier one. A book's closings list every account whose balance is not zero then (and every
 * account that moved in it), so the last closed book's closings are the whole ledger's balances.
 */
const ledgerClosingSchema = new Schema(
  {
    /** `<book>:<account>`: closing a book again writes the same documents. */
    _id: { type: String, required: true },
    /** The book (`YYYY-MM`, the settled month that closed it). */
    period: requiredPeriod,
    account: { type: String, required: true },
    amount: requiredAmount,
    createdAt,
  },
  { ...baseSchemaOptions, collection: 'ledger_closings' },
);

// An account's closing in a book is read by its id (`<book>:<account>`), a primary-key lookup.
// A book's closings (all balances at its close), by account prefix too.
// Ordered on DocumentDB, as every index (ordered-index.ts), so that a prefix's range is read as one key range.
ledgerClosingSchema.index({ period: 1, account: 1 });

export type LedgerClosing = InferSchemaType<typeof ledgerClosingSchema>;
export const LedgerClosingModel = model('LedgerClosing', ledgerClosingSchema);
