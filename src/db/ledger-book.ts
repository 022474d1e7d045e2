import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions, createdAt, PERIOD_PATTERN, requiredPeriod } from './fields';

/**
 * One ledger book per settled month, closed by that month's settlement: `booking` (entries not in
 * a book yet are assigned to it), `booked` (its entries are fixed and checked; closings being
 * written), `closed` (its closings are complete and verified; readers use them).
 */
const ledgerBookSchema = new Schema(
  {
    /** The settled month, `YYYY-MM`. */
    _id: requiredPeriod,
    state: { type: String, required: true, enum: ['booking', 'booked', 'closed'] },
    /** The closed book this one carries forward from (null for the first). */
    previous: { type: String, match: PERIOD_PATTERN, default: null },
    /** Counts when closed: entries and journals booked into it, closings written. */
    entries: { type: Number },
    journals: { type: Number },
    closings: { type: Number },
    createdAt,
    closedAt: { type: Date },
  },
  { ...baseSchemaOptions, collection: 'ledger_books' },
);

ledgerBookSchema.index({ state: 1, _id: -1 });

export type LedgerBook = InferSchemaType<typeof ledgerBookSchema>;
export const LedgerBookModel = model('LedgerBook', ledgerBookSchema);
