import type { Settlement } from './settlement-store';
import { formatCoins } from '../../money/amount';
import { confirmationsAt } from '../wallet-watch/crediting';
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
  summary: Record<string, string | number> | null;
  transactions: Array<{ txid: string; state: string; bytes: number; fee: string; blockHeight: number | null; confirmations: number }>;
}

export function settlementStatusView(period: string, settlement: Settlement | null, tip: number | undefined): SettlementStatusView {
  if (settlement === null) return { period, state: 'open', closedAt: null, closedEarly: false, lastError: null, summary: null, transactions: [] };
  const summary = settlement.summary
    ? Object.fromEntries(Object.entries(settlement.summary).map(([key, value]) => [key, typeof value === 'bigint' ? formatCoins(value) : Number(value)]))
    : null;
  return {
    period,
    state: settlement.state,
    closedAt: settlement.closedAt?.toISOString() ?? null,
    closedEarly: settlement.closedEarly === true,
    lastError: settlement.lastError ?? null,
    summary,
    transactions: settlement.transactions.map((tx) => ({
      txid: tx.txid,
      state: tx.state,
      bytes: tx.bytes,
      fee: formatCoins(BigInt(tx.fee)),
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
  donors: Array<{ donorId: string; clicks: number; budget: string; balanceBefore: string; charge: string; fee: string; refunded: string }>;
  creators: Array<{ creatorId: string; payoutAddress: string | null; owedBefore: string; credited: string; returned: string; paid: string; owedAfter: string; outcome: string }>;
  refunds: Array<{ donorId: string; creatorId: string; fromPeriod: string; amount: string }>;
  feePayment: { address: string; requested: string; paid: string } | null;
  transactions: Array<{ index: number; inputs: number; outputs: number; bytes: number; fee: string; change: string }>;
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
    donors: plan.donors.map((d) => ({ donorId: d.donorId, clicks: d.clicks, budget: coins(d.budget), balanceBefore: coins(d.balanceBefore), charge: coins(d.charge), fee: coins(d.fee), refunded: coins(d.refunded) })),
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
    feePayment: plan.feePayment === null ? null : { address: plan.feePayment.address, requested: coins(plan.feePayment.amount), paid: coins(build?.feePaymentPaid ?? 0n) },
    transactions: (build?.transactions ?? []).map((tx, index) => ({
      index,
      inputs: tx.inputs.length,
      outputs: tx.outputs.length,
      bytes: tx.worstCaseBytes,
      fee: coins(tx.fee),
      change: coins(tx.outputs.filter((output) => output.change !== undefined).reduce((sum, output) => sum + output.amount, 0n)),
    })),
    networkFee: coins(build?.networkFee ?? 0n),
    totalBytes: build?.totalWorstCaseBytes ?? 0,
    lowerBoundBytes: build?.lowerBoundBytes ?? 0,
    buildError: view.buildError,
  };
}
