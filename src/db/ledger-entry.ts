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
    period: { type: String, match: PERIOD_PATTERN },
    createdAt,
  },
  { ...baseSchemaOptions, collection: 'ledger_entries' },
);

// Writing a journal again changes nothing: each (journal, account) pair exists once.
ledgerEntrySchema.index({ journalId: 1, account: 1 }, { unique: true });
ledgerEntrySchema.index({ account: 1 });
ledgerEntrySchema.index({ period: 1, kind: 1 });

export type LedgerEntry = InferSchemaType<typeof ledgerEntrySchema> & { _id: Types.ObjectId };
export const LedgerEntryModel = model('LedgerEntry', ledgerEntrySchema);
