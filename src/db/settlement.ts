import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions, createdAt, requiredPeriod } from './fields';

/**
 * One settlement per period (DESIGN.md section 5), `_id` = the period, so creating it twice is
 * impossible. Only the holder of the settlement lease writes here, one step at a time; each step
 * moves `state` forward with an update conditional on the state it read.
 */
export const SETTLEMENT_STATES = ['open', 'closed', 'planned', 'signed', 'broadcast', 'confirmed'] as const;
export type SettlementState = (typeof SETTLEMENT_STATES)[number];

export const SETTLEMENT_TX_STATES = ['signed', 'broadcast', 'confirmed'] as const;
export type SettlementTxState = (typeof SETTLEMENT_TX_STATES)[number];

const settlementTransactionSchema = new Schema(
  {
    txid: { type: String, required: true },
    /** The signed transaction, persisted before it is sent: a resume re-sends these bytes. */
    raw: { type: String, required: true },
    bytes: { type: Number, required: true },
    worstCaseBytes: { type: Number, required: true },
    fee: { type: Schema.Types.BigInt, required: true },
    /** Outpoints (`txid:vout`) it spends: how the scanner's records tell that it was mined. */
    inputs: { type: [String], required: true },
    state: { type: String, enum: SETTLEMENT_TX_STATES, required: true, default: 'signed' },
    broadcastAt: { type: Date },
    blockHeight: { type: Number },
    confirmedAt: { type: Date },
  },
  { _id: false },
);

/** The plan's totals, for listings; the whole plan lives in settlement_plan_chunks. */
const settlementSummarySchema = new Schema(
  {
    donorsCharged: { type: Number, required: true },
    clicks: { type: Number, required: true },
    creatorsPaid: { type: Number, required: true },
    charged: { type: Schema.Types.BigInt, required: true },
    serviceFee: { type: Schema.Types.BigInt, required: true },
    creditedToCreators: { type: Schema.Types.BigInt, required: true },
    refunded: { type: Schema.Types.BigInt, required: true },
    paidToCreators: { type: Schema.Types.BigInt, required: true },
    feePaymentPaid: { type: Schema.Types.BigInt, required: true },
    /** Left in platform:fees for a later month; absent on settlements planned before it was recorded. */
    feePaymentCarried: { type: Schema.Types.BigInt },
    networkFee: { type: Schema.Types.BigInt, required: true },
    carried: { type: Schema.Types.BigInt, required: true },
    transactionCount: { type: Number, required: true },
    totalBytes: { type: Number, required: true },
  },
  { _id: false },
);

/**
 * The month's allocation root (docs/proofs.md), stored at planning; the transaction output that
 * carries it on chain once signed. No root: the month has no allocations. A root without a txid
 * after signing: the month pays nothing on chain, so nothing carries it (proofs say so).
 */
const settlementCommitmentSchema = new Schema(
  {
    /** 64 hex: the root of the month's allocation tree. */
    root: { type: String, required: true },
    /** The first settlement transaction, whose OP_RETURN output carries the root. */
    txid: { type: String },
    vout: { type: Number },
    /** The root was read back from the confirmed transaction's stored bytes. */
    checkedAt: { type: Date },
  },
  { _id: false },
);

const settlementSchema = new Schema(
  {
    /** The period itself, 'YYYY-MM'. */
    _id: requiredPeriod,
    period: requiredPeriod,
    state: { type: String, enum: SETTLEMENT_STATES, required: true, default: 'open' },
    /** When the period was closed; clicks at or after it belong to the next period. */
    closedAt: { type: Date },
    /** Closed before the month ended (`--close-now`). */
    closedEarly: { type: Boolean },
    /** The subscription clicks were all stored (the last part of closing). */
    subscriptionClicksAdded: { type: Boolean },
    /** Which stored plan is the plan (chunks of other attempts are leftovers of a crash). */
    planAttempt: { type: String },
    planChunks: { type: Number },
    summary: { type: settlementSummarySchema },
    commitment: { type: settlementCommitmentSchema },
    /** The allocation journal and unclaimed allocations are written (both idempotent). */
    allocationWritten: { type: Boolean },
    transactions: { type: [settlementTransactionSchema], default: [] },
    /** Why the last step stopped (an invariant that failed...), cleared when a step succeeds. */
    lastError: { type: String },
    createdAt,
    updatedAt: { type: Date, required: true, default: () => new Date() },
  },
  { ...baseSchemaOptions, collection: 'settlements' },
);

settlementSchema.index({ state: 1 });

/** A stored transaction as plain data (lean reads give these, not subdocuments). */
export interface SettlementTransaction {
  txid: string;
  raw: string;
  bytes: number;
  worstCaseBytes: number;
  fee: bigint;
  inputs: string[];
  state: SettlementTxState;
  broadcastAt?: Date | null;
  blockHeight?: number | null;
  confirmedAt?: Date | null;
}

/** Read with `.lean<Settlement>()`: the inferred type would describe subdocuments. */
export type Settlement = Omit<InferSchemaType<typeof settlementSchema>, 'transactions'> & { transactions: SettlementTransaction[] };
export const SettlementModel = model('Settlement', settlementSchema);
