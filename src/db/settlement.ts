import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { baseSchemaOptions, createdAt, requiredPeriod } from './fields';

export const SETTLEMENT_STATES = ['open', 'closed', 'planned', 'signed', 'broadcast', 'confirmed'] as const;
export type SettlementState = (typeof SETTLEMENT_STATES)[number];

export const SETTLEMENT_TX_STATES = ['signed', 'broadcast', 'confirmed'] as const;
export type SettlementTxState = (typeof SETTLEMENT_TX_STATES)[number];

const settlementTransactionSchema = new Schema(
  {
    txid: { type: String, required: true },
    /** The signed transaction, persisted before it is sent: a resume re-sends these bytes. */
    raw: { type: String, required: true },
    size: { type: Number, required: true },
    fee: { type: Schema.Types.BigInt, required: true },
    state: { type: String, enum: SETTLEMENT_TX_STATES, required: true, default: 'signed' },
    broadcastAt: { type: Date },
    blockHash: { type: String },
    blockHeight: { type: Number },
  },
  { _id: false },
);

/** Totals of the plan, for the dashboard and the invariant checks (all amounts in koinu). */
const settlementPlanSchema = new Schema(
  {
    donorCount: { type: Number, required: true },
    clickCount: { type: Number, required: true },
    creatorCount: { type: Number, required: true },
    charged: { type: Schema.Types.BigInt, required: true },
    creatorsCredited: { type: Schema.Types.BigInt, required: true },
    platformFee: { type: Schema.Types.BigInt, required: true },
    networkFee: { type: Schema.Types.BigInt, required: true },
    paidOut: { type: Schema.Types.BigInt, required: true },
    /** Owed but not paid this period: below dust or no payout address. */
    carriedOver: { type: Schema.Types.BigInt, required: true },
    outputCount: { type: Number, required: true },
    transactionCount: { type: Number, required: true },
  },
  { _id: false },
);

const settlementSchema = new Schema(
  {
    period: requiredPeriod,
    state: { type: String, enum: SETTLEMENT_STATES, required: true, default: 'open' },
    plan: { type: settlementPlanSchema },
    transactions: { type: [settlementTransactionSchema], default: [] },
    /** Why the last step stopped (e.g. an invariant that failed), cleared when a step succeeds. */
    lastError: { type: String },
    createdAt,
    updatedAt: { type: Date, required: true, default: () => new Date() },
  },
  { ...baseSchemaOptions, collection: 'settlements' },
);

settlementSchema.index({ period: 1 }, { unique: true });
settlementSchema.index({ state: 1 });

export type Settlement = InferSchemaType<typeof settlementSchema> & { _id: Types.ObjectId };
export const SettlementModel = model('Settlement', settlementSchema);
