import { z } from 'zod';
import { outputScriptFor } from '../chain/address';
import { CHAIN_NAMES, chainProfile, type ChainProfile } from '../chain/profiles';
import type { BuildResult, BuiltOutput, RecordedBuildInputs } from '../chain/tx/tx-builder';
import { MAX_DERIVATION_INDEX } from '../chain/key-path';
import { parseDocument } from './document';
import { periodText } from './proof-format';
import { monthAllocations } from '../money/allocations';
import { FIAT_CURRENCIES } from '../money/fiat';
import type { PlanInput, SettlementPlan } from '../money/settlement-plan';
import { IDENTIFIER, toHex } from './encoding';
import { PSEUDONYM, pseudonymsFor } from './pseudonyms';

/**
 * The payday snapshot (docs/proofs.md, "Replay"), version 1: what the planner and the transaction
 * builder took as input for one month, with donors pseudonymised, and what the month published.
 * `kibble replay` recomputes the month from it. Amounts are decimal strings of the smallest unit;
 * no donor id, handle or salt is in it: a donor is a pseudonym, and each of their allocations is
 * named by its donor commitment (the salted hash in the allocation leaf).
 */

export const PAYDAY_SNAPSHOT_KIND = 'kibble-payday-snapshot';

const units = z.string().regex(/^(0|[1-9][0-9]{0,29})$/, 'must be a whole number of smallest units, as a decimal string');
/** Balances may be below zero (a reversed deposit; network fees taken from platform:fees). */
const signedUnits = z.string().regex(/^(0|-?[1-9][0-9]{0,29})$/, 'must be a whole number of smallest units (may be negative), as a decimal string');
const hash32 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex characters');
const hex = z.string().regex(/^(?:[0-9a-f]{2})*$/, 'must be lower-case hex');
const identifier = z.string().regex(IDENTIFIER, 'must be 1 to 64 printable ASCII characters without spaces');
const pseudonym = z.string().regex(PSEUDONYM, "must be a pseudonym 'donor-000001'");
const address = z.string().min(1).max(128);
const count = z.number().int().nonnegative();
const period = periodText;
const keyPath = z.strictObject({ change: z.union([z.literal(0), z.literal(1)]), index: z.number().int().min(0).max(MAX_DERIVATION_INDEX) });
const outpoint = z.string().regex(/^[0-9a-f]{64}:[0-9]{1,10}$/, "must be 'txid:vout'");

const currency = z.enum(FIAT_CURRENCIES);
const fiatDecimal = z.string().regex(/^(0|[1-9][0-9]{0,11})(\.[0-9]{1,18})?$/, 'must be a plain decimal string');

const donorSchema = z.strictObject({
  donor: pseudonym,
  monthlyBudget: units,
  /** A budget in a fiat currency, converted at `rates` (absent for a budget in coins). */
  fiatBudget: z.strictObject({ currency, amount: fiatDecimal }).optional(),
  balanceBefore: signedUnits,
  /** The creator of each counted click, in the planner's click order (buttons, then subscriptions). */
  clicks: z.array(identifier),
  /** One per creator this donor's money went to: the donor commitment of that allocation's leaf. */
  commitments: z.array(z.strictObject({ creator: identifier, commitment: hash32 })),
});

const outputSchema = z.strictObject({ script: hex, amount: units, address: address.nullable(), change: z.boolean() });

const transactionSchema = z.strictObject({
  inputs: z.array(outpoint),
  outputs: z.array(outputSchema),
  fee: units,
  /** The signed transaction that was stored and sent; null for a month planned but not signed yet. */
  signed: z.strictObject({ txid: hash32, raw: hex, blockHeight: count.nullable() }).nullable(),
});

const paymentSchema = z.strictObject({ id: z.string().min(1).max(80), address, amount: units });

export const paydaySnapshotSchema = z.strictObject({
  kind: z.literal(PAYDAY_SNAPSHOT_KIND),
  version: z.literal(1),
  period,
  settings: z.strictObject({
    chain: z.enum(CHAIN_NAMES),
    serviceFeeBps: z.number().int().min(0).max(10_000),
    dustThreshold: units,
    feePerByte: units,
    feeAddress: address.nullable(),
  }),
  platformFeeBefore: signedUnits,
  /** The coin prices the planner converted fiat budgets at (absent when it had none). */
  rates: z.array(z.strictObject({ currency, rate: fiatDecimal, at: z.string().min(1).max(40), source: z.string().min(1).max(200) })).optional(),
  donors: z.array(donorSchema),
  creators: z.array(z.strictObject({ id: identifier, payoutAddress: address.nullable(), owedBefore: units })),
  expiring: z.array(z.strictObject({ fromPeriod: period, donor: pseudonym, creator: identifier, amount: units })),
  builder: z.strictObject({
    /** The node's tip when the spendable outputs were chosen. */
    tip: count,
    utxos: z.array(z.strictObject({ txid: hash32, vout: count, amount: units, address, keyPath })),
    changeSlots: z.array(z.strictObject({ address, keyPath })),
  }),
  published: z.strictObject({
    totals: z.strictObject({
      charged: units,
      serviceFee: units,
      creditedToCreators: units,
      refunded: units,
      paidToCreators: units,
      carried: units,
      clicks: count,
      donorsCharged: count,
      creatorsPaid: count,
    }),
    payments: z.array(paymentSchema),
    feePayment: paymentSchema.nullable(),
    networkFee: units,
    feePaymentPaid: units,
    /** The root of the month's allocation tree; null for a month without allocations. */
    allocationRoot: hash32.nullable(),
    transactions: z.array(transactionSchema),
  }),
});

export type PaydaySnapshot = z.infer<typeof paydaySnapshotSchema>;
export type SnapshotTransaction = PaydaySnapshot['published']['transactions'][number];
export type SnapshotOutput = SnapshotTransaction['outputs'][number];

/** Validates a parsed JSON document; throws snapshot-invalid naming the first bad field. */
export function parsePaydaySnapshot(json: unknown): PaydaySnapshot {
  return parseDocument(paydaySnapshotSchema, json, { code: 'snapshot-invalid', kind: 'payday snapshot', whole: 'the snapshot' });
}

// ---------------------------------------------------------------------------------------------
// Writing one

/** What the settlement stored for a month, as the snapshot service reads it. */
export interface SnapshotSource {
  input: PlanInput;
  builder: RecordedBuildInputs & { tip: number };
  plan: SettlementPlan;
  build: BuildResult;
  /** The signed transactions by build index (empty before signing). */
  signed: ReadonlyArray<{ txid: string; raw: string; blockHeight: number | null }>;
  allocationRoot: Uint8Array | null;
  /** The donor commitment of the allocation (donor id, creator id): H_donor(salt || donor || creator). */
  donorCommitment: (donorId: string, creatorId: string) => Uint8Array;
  /** Random, at least 32 bytes, thrown away afterwards (pseudonyms.ts). */
  pseudonymKey: Uint8Array;
}

export function paydaySnapshotJson(source: SnapshotSource): PaydaySnapshot {
  const { input, plan, build } = source;
  const chain = chainProfile(source.builder.chain);
  const pseudonyms = pseudonymsFor([...input.donors.map((d) => d.id), ...input.expiring.map((e) => e.donorId)], source.pseudonymKey);
  const named = (id: string): string => pseudonyms.get(id) as string;
  const creatorsByDonor = new Map<string, string[]>();
  for (const { donorId, creatorId } of monthAllocations(input)) creatorsByDonor.set(donorId, [...(creatorsByDonor.get(donorId) ?? []), creatorId]);
  const donors = input.donors.map((donor) => ({
    donor: named(donor.id),
    monthlyBudget: donor.monthlyBudget.toString(),
    ...(donor.fiatBudget ? { fiatBudget: { currency: donor.fiatBudget.currency, amount: donor.fiatBudget.amount } } : {}),
    balanceBefore: donor.balance.toString(),
    clicks: [...donor.clickCreators],
    commitments: (creatorsByDonor.get(donor.id) ?? []).map((creator) => ({ creator, commitment: toHex(source.donorCommitment(donor.id, creator)) })),
  }));
  // Listed in pseudonym order, so the order says nothing of the ids either.
  donors.sort((a, b) => compareText(a.donor, b.donor));
  const expiring = input.expiring.map((row) => ({ fromPeriod: row.fromPeriod, donor: named(row.donorId), creator: row.creatorId, amount: row.amount.toString() }));
  expiring.sort((a, b) => compareText(a.creator, b.creator) || compareText(a.fromPeriod, b.fromPeriod) || compareText(a.donor, b.donor));
  return {
    kind: PAYDAY_SNAPSHOT_KIND,
    version: 1,
    period: input.period,
    settings: { chain: chain.name, serviceFeeBps: input.serviceFeeBps, dustThreshold: input.dustThreshold.toString(), feePerByte: source.builder.feePerByte.toString(), feeAddress: input.feeAddress },
    platformFeeBefore: input.platformFeeBefore.toString(),
    ...(input.rates && input.rates.length > 0 ? { rates: input.rates.map((q) => ({ currency: q.currency, rate: q.rate, at: q.at, source: q.source })) } : {}),
    donors,
    creators: input.creators.map((c) => ({ id: c.id, payoutAddress: c.payoutAddress, owedBefore: c.owedBefore.toString() })).sort((a, b) => compareText(a.id, b.id)),
    expiring,
    builder: {
      tip: source.builder.tip,
      utxos: source.builder.utxos.map((u) => ({ txid: u.txid, vout: u.vout, amount: u.amount.toString(), address: u.address, keyPath: { change: u.keyPath.change, index: u.keyPath.index } })),
      changeSlots: source.builder.changeSlots.map((slot) => ({ address: slot.address, keyPath: { change: slot.keyPath.change, index: slot.keyPath.index } })),
    },
    published: {
      totals: {
        charged: plan.totals.charged.toString(),
        serviceFee: plan.totals.serviceFee.toString(),
        creditedToCreators: plan.totals.creditedToCreators.toString(),
        refunded: plan.totals.refunded.toString(),
        paidToCreators: plan.totals.paidToCreators.toString(),
        carried: plan.totals.carried.toString(),
        clicks: plan.totals.clicks,
        donorsCharged: plan.totals.donorsCharged,
        creatorsPaid: plan.totals.creatorsPaid,
      },
      payments: plan.payments.map((p) => ({ id: p.id, address: p.address, amount: p.amount.toString() })),
      feePayment: plan.feePayment === null ? null : { id: plan.feePayment.id, address: plan.feePayment.address, amount: plan.feePayment.amount.toString() },
      networkFee: build.networkFee.toString(),
      feePaymentPaid: build.feePaymentPaid.toString(),
      allocationRoot: source.allocationRoot === null ? null : toHex(source.allocationRoot),
      transactions: build.transactions.map((tx, index) => ({
        inputs: tx.inputs.map((i) => `${i.txid}:${i.vout}`),
        outputs: tx.outputs.map((output) => snapshotOutput(chain, output)),
        fee: tx.fee.toString(),
        signed: source.signed[index] ?? null,
      })),
    },
  };
}

/** A built output as the snapshot lists it: its script (what the chain holds) and amount. */
export function snapshotOutput(chain: ChainProfile, output: BuiltOutput): SnapshotOutput {
  // The month's commitment (OP_RETURN): a script and no address.
  if (output.dataScript !== undefined) return { script: output.dataScript, amount: output.amount.toString(), address: null, change: false };
  return { script: toHex(outputScriptFor(chain, output.address)), amount: output.amount.toString(), address: output.address, change: output.change !== undefined };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
