import type { BuildResult, FeePaymentOutcome } from '../../chain/tx/tx-builder';
import type { Settlement } from './settlement-store';
import { formatCoins } from '../../money/amount';
import { confirmationsAt } from '../wallet-watch/crediting';
import type { PlannedPayment } from '../../money/settlement-plan';
import type { PlanView } from './state-machine';

/**
 * The settlement as operators read it (CLI --json, the admin API, the dashboard): plain JSON with
 * amounts as decimal coin strings.
 */
export interface SettlementStatusView {
  period: string;
  state: Settlement['state'];
  closedAt: string | null;
  closedEarly: boolean;
  lastError: string | null;
  /** Planned and exported for offline signing (`settle --export-psbt`) at this time: waiting for signatures. */
  awaitingSignaturesSince: string | null;
  summary: Record<string, string | number> | null;
  transactions: Array<{ txid: string; state: string; bytes: number; fee: string; blockHeight: number | null; confirmations: number }>;
}

export function settlementStatusView(period: string, settlement: Settlement | null, tip: number | undefined): SettlementStatusView {
  if (settlement === null) return { period, state: 'open', closedAt: null, closedEarly: false, lastError: null, awaitingSignaturesSince: null, summary: null, transactions: [] };
  const summary = settlement.summary
    ? Object.fromEntries(
        Object.entries(settlement.summary)
          .filter((entry): entry is [string, number | bigint] => entry[1] !== null)
          .map(([key, value]) => [key, typeof value === 'bigint' ? formatCoins(value) : value]),
      )
    : null;
  return {
    period,
    state: settlement.state,
    closedAt: settlement.closedAt?.toISOString() ?? null,
    closedEarly: settlement.closedEarly === true,
    lastError: settlement.lastError ?? null,
    awaitingSignaturesSince: settlement.state === 'planned' ? settlement.awaitingSignaturesSince?.toISOString() ?? null : null,
    summary,
    transactions: settlement.transactions.map((tx) => ({
      txid: tx.txid,
      state: tx.state,
      bytes: tx.bytes,
      fee: formatCoins(tx.fee),
      blockHeight: tx.blockHeight ?? null,
      confirmations: tx.blockHeight !== null && tx.blockHeight !== undefined && tip !== undefined ? confirmationsAt(tx.blockHeight, tip) : 0,
    })),
  };
}

export interface PlanReportView {
  period: string;
  state: string;
  /** true: the stored plan being carried out; false: a dry run, nothing stored. */
  stored: boolean;
  totals: Record<string, string | number>;
  donors: Array<{ donorId: string; clicks: number; budget: string; balanceBefore: string; charge: string; fee: string; refunded: string; fiatBudget?: { currency: string; amount: string } }>;
  /** The coin prices fiat budgets were converted at (empty when no donor budgets in fiat). */
  rates: Array<{ currency: string; rate: string; at: string; source: string }>;
  creators: Array<{ creatorId: string; payoutAddress: string | null; owedBefore: string; credited: string; returned: string; paid: string; owedAfter: string; outcome: string }>;
  refunds: Array<{ donorId: string; creatorId: string; fromPeriod: string; amount: string }>;
  /**
   * What the fee payment did: `outputs` to the fee address (one per transaction that carries part
   * of it), `carried` left in platform:fees for a later month, `status` (FeePaymentStatus; null for
   * a plan stored before it was recorded) and `note`, the same in a sentence for operators.
   */
  feePayment: { address: string; requested: string; paid: string; outputs: number; carried: string; status: string | null; note: string } | null;
  transactions: Array<{ index: number; inputs: number; outputs: number; bytes: number; fee: string; change: string }>;
  /**
   * The month's allocation root and the data output carrying it (docs/proofs.md): output `vout`
   * of the first transaction, an OP_RETURN `script` (hex) worth nothing. `note` says it in words,
   * or why nothing is committed on chain.
   */
  commitment: { root: string | null; transaction: number | null; vout: number | null; script: string | null; note: string };
  networkFee: string;
  totalBytes: number;
  lowerBoundBytes: number;
  buildError: string | null;
}

export function planReportView(view: PlanView): PlanReportView {
  const { plan, build } = view;
  const coins = formatCoins;
  return {
    period: view.period,
    state: view.state,
    stored: view.stored,
    totals: Object.fromEntries(Object.entries(plan.totals).map(([key, value]) => [key, typeof value === 'bigint' ? coins(value) : value])),
    donors: plan.donors.map((d) => ({
      donorId: d.donorId, clicks: d.clicks, budget: coins(d.budget), balanceBefore: coins(d.balanceBefore), charge: coins(d.charge), fee: coins(d.fee), refunded: coins(d.refunded),
      ...(d.fiatBudget ? { fiatBudget: { currency: d.fiatBudget.currency, amount: d.fiatBudget.amount } } : {}),
    })),
    // Plans stored before fiat budgets have no rates.
    rates: ('rates' in plan ? plan.rates : []).map((q) => ({ currency: q.currency, rate: q.rate, at: q.at, source: q.source })),
    creators: plan.creators.map((c) => ({
      creatorId: c.creatorId,
      payoutAddress: c.payoutAddress,
      owedBefore: coins(c.owedBefore),
      credited: coins(c.credited),
      returned: coins(c.returned),
      paid: coins(c.paid),
      owedAfter: coins(c.owedAfter),
      outcome: c.outcome,
    })),
    refunds: plan.refunds.map((r) => ({ donorId: r.donorId, creatorId: r.creatorId, fromPeriod: r.fromPeriod, amount: coins(r.amount) })),
    feePayment: plan.feePayment === null ? null : feePaymentView(plan.feePayment, build),
    transactions: (build?.transactions ?? []).map((tx, index) => ({
      index,
      inputs: tx.inputs.length,
      outputs: tx.outputs.length,
      bytes: tx.worstCaseBytes,
      fee: coins(tx.fee),
      change: coins(tx.outputs.filter((output) => output.change !== undefined).reduce((sum, output) => sum + output.amount, 0n)),
    })),
    commitment: commitmentView(view),
    networkFee: coins(build?.networkFee ?? 0n),
    totalBytes: build?.totalWorstCaseBytes ?? 0,
    lowerBoundBytes: build?.lowerBoundBytes ?? 0,
    buildError: view.buildError,
  };
}

function commitmentView(view: PlanView): PlanReportView['commitment'] {
  const root = view.commitmentRoot;
  const first = view.build?.transactions[0];
  const vout = first?.outputs.findIndex((output) => output.dataScript !== undefined) ?? -1;
  const output = first === undefined || vout < 0 ? undefined : first.outputs[vout];
  if (root === null) return { root, transaction: null, vout: null, script: null, note: 'no allocations this month: nothing to commit' };
  if (output?.dataScript === undefined) {
    const why = view.build === null ? 'no transactions could be built yet' : 'the month pays nothing on chain, so no transaction carries it (proofs say "not committed")';
    return { root, transaction: null, vout: null, script: null, note: `root stored, not on chain: ${why}` };
  }
  const dryRun = view.stored ? '' : ' (dry run: the salts, and so the root, are made anew when the month is planned)';
  return { root, transaction: 0, vout, script: output.dataScript, note: `output ${vout} of transaction 1: OP_RETURN, ${output.dataScript.length / 2} bytes of script, worth nothing${dryRun}` };
}

type FeePaymentView = NonNullable<PlanReportView['feePayment']>;

function feePaymentView(payment: PlannedPayment, build: BuildResult | null): FeePaymentView {
  const coins = formatCoins;
  if (build === null) {
    return { address: payment.address, requested: coins(payment.amount), paid: '0', outputs: 0, carried: coins(payment.amount), status: null, note: 'not paid until transactions can be built' };
  }
  // A plan stored before the outcome was recorded has only the amount paid.
  const paid = build.feePaymentPaid;
  const outcome: FeePaymentOutcome | undefined = build.feePayment;
  const carried = outcome?.carried ?? payment.amount - paid - build.networkFee;
  const outputs = outcome?.outputs ?? (paid > 0n ? 1 : 0);
  const status = outcome?.status ?? null;
  return { address: payment.address, requested: coins(payment.amount), paid: coins(paid), outputs, carried: coins(carried), status, note: feePaymentNote(status, paid, outputs, carried) };
}

/** The fee payment's outcome in words, for the CLI, the API and the operator pages alike. */
export function feePaymentNote(status: FeePaymentOutcome['status'] | null, paid: bigint, outputs: number, carried: bigint): string {
  const coins = formatCoins;
  const where = `${coins(paid)} in ${outputs} output${outputs === 1 ? '' : 's'}`;
  switch (status) {
    case 'paid-in-full':
      return `paid in full: ${where}, the platform's balance less the network fee`;
    case 'below-dust':
      return paid === 0n
        ? 'not paid this month: after the network fee it would be below the dust threshold; it stays in platform:fees'
        : `${where}; ${coins(carried)} stays in platform:fees: after a transaction's fee it would be below the dust threshold`;
    case 'wallet-short':
      return `${where}; ${coins(carried)} carried to a later month: the wallet's spendable outputs do not hold the whole fee beside the payouts ` +
        '(unconfirmed change, or outputs held by a settlement not yet confirmed)';
    case 'inputs-too-small':
      return `${where}; ${coins(carried)} carried to a later month: the wallet's remaining outputs are worth less than spending them costs`;
    case null:
      return carried === 0n ? `paid in full: ${where}` : `${where}; ${coins(carried)} carried to a later month`;
  }
}
