import type { BuildResult } from '../../chain/tx/tx-builder';
import type { ChainProfile } from '../../chain/profiles';
import { formatCoins } from '../../money/amount';
import { assertBalancedJournal } from '../../money/ledger';
import type { SettlementPlan } from '../../money/settlement-plan';

/** The ledger's and the wallet's view of the coins, read just before signing. */
export interface HoldingsSnapshot {
  /** What the ledger says the wallet holds: minus the custody balance. */
  custodyHeld: bigint;
  /** Unspent outputs of the wallet as the scanner recorded them. */
  walletUnspent: bigint;
  /** Part of those that are deposits not credited yet (tracked apart from the ledger). */
  uncreditedDeposits: bigint;
}

/**
 * The checks of DESIGN.md section 2 a plan must pass before anything is signed, as plain data in,
 * reasons out (empty: sign). Each reason is a sentence an operator can act on.
 */
export function settlementProblems(plan: SettlementPlan, build: BuildResult, chain: ChainProfile, holdings: HoldingsSnapshot): string[] {
  const coins = (amount: bigint): string => `${formatCoins(amount)} ${chain.ticker}`;
  const problems: string[] = [];

  if (plan.journal !== null) {
    try {
      assertBalancedJournal(plan.journal);
    } catch (error) {
      problems.push(`invariant 1 (journals balance): ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const onChain = holdings.walletUnspent - holdings.uncreditedDeposits;
  if (onChain !== holdings.custodyHeld) {
    problems.push(
      `invariant 2 (chain matches ledger): the wallet's unspent outputs less uncredited deposits are ${coins(onChain)}, ` +
        `but the ledger's custody says ${coins(holdings.custodyHeld)} (is the scanner behind, or an earlier settlement unconfirmed?)`,
    );
  }

  for (const donor of plan.donors) {
    const available = donor.balanceBefore > 0n ? donor.balanceBefore : 0n;
    const limit = donor.budget < available ? donor.budget : available;
    if (donor.charge > limit) {
      problems.push(`invariant 3 (charge within budget and balance): donor ${donor.donorId} would be charged ${coins(donor.charge)}, more than ${coins(limit)}`);
    }
  }

  const charged = plan.donors.reduce((sum, donor) => sum + donor.charge, 0n);
  const credited = plan.creators.reduce((sum, creator) => sum + creator.credited, 0n);
  if (charged !== credited + plan.totals.serviceFee) {
    problems.push(`invariant 4 (charges = credits + fee): donors are charged ${coins(charged)}, creators credited ${coins(credited)} and the fee is ${coins(plan.totals.serviceFee)}`);
  }

  problems.push(...transactionProblems(plan, build, chain, coins));
  return problems;
}

function transactionProblems(plan: SettlementPlan, build: BuildResult, chain: ChainProfile, coins: (amount: bigint) => string): string[] {
  const problems: string[] = [];
  const due = new Map(plan.payments.map((payment) => [payment.id, payment.amount]));
  const feePayment = plan.feePayment;
  // The fee payment may be spread over several outputs, one per transaction: checked as a sum.
  let feeOutputs = 0n;
  const paidIds = new Set<string>();
  const spent = new Set<string>();
  for (const [index, tx] of build.transactions.entries()) {
    const label = `transaction ${index + 1} of ${build.transactions.length}`;
    const inputs = tx.inputs.reduce((sum, input) => sum + input.amount, 0n);
    const outputs = tx.outputs.reduce((sum, output) => sum + output.amount, 0n);
    if (inputs !== outputs + tx.fee) problems.push(`invariant 4 (inputs = outputs + fee): ${label} spends ${coins(inputs)} but pays out ${coins(outputs)} with a fee of ${coins(tx.fee)}`);
    if (tx.fee < chain.fee.perByte * BigInt(tx.worstCaseBytes)) problems.push(`${label}: fee ${coins(tx.fee)} is below the fee policy for ${tx.worstCaseBytes} bytes`);
    if (tx.worstCaseBytes >= chain.maxStandardTxBytes) problems.push(`${label}: ${tx.worstCaseBytes} bytes is not below the standard limit of ${chain.maxStandardTxBytes}`);
    for (const [vout, output] of tx.outputs.entries()) {
      if (output.dataScript !== undefined) {
        // The month's commitment: worth nothing, first output of the first transaction only.
        if (index !== 0 || vout !== 0 || output.amount !== 0n) problems.push(`${label}: a data output at output ${vout} carrying ${coins(output.amount)}; only the first transaction's first output may be one, worth nothing`);
        continue;
      }
      if (output.amount < chain.dustThreshold) problems.push(`${label}: an output of ${coins(output.amount)} to ${output.address} is below the dust threshold`);
      if (output.change !== undefined) continue;
      if (feePayment !== null && output.paymentIds.includes(feePayment.id)) {
        if (output.paymentIds.length !== 1 || output.address !== feePayment.address) problems.push(`${label}: the fee output to ${output.address} is not the fee payment's own output to ${feePayment.address}`);
        feeOutputs += output.amount;
        continue;
      }
      const expected = output.paymentIds.reduce((sum, id) => sum + (due.get(id) ?? 0n), 0n);
      if (output.amount !== expected) problems.push(`${label}: the output to ${output.address} pays ${coins(output.amount)}, its payments add up to ${coins(expected)}`);
      for (const id of output.paymentIds) {
        if (!due.has(id)) problems.push(`${label}: pays ${id}, which the plan does not pay`);
        if (paidIds.has(id)) problems.push(`${label}: pays ${id} a second time`);
        paidIds.add(id);
      }
    }
    for (const input of tx.inputs) {
      const key = `${input.txid}:${input.vout}`;
      if (spent.has(key)) problems.push(`${label}: output ${key} is spent twice`);
      spent.add(key);
    }
  }
  for (const id of due.keys()) if (!paidIds.has(id)) problems.push(`payment ${id} is in the plan but in no transaction`);
  if (feeOutputs !== build.feePaymentPaid) problems.push(`the fee outputs add up to ${coins(feeOutputs)}, but the fee payment is ${coins(build.feePaymentPaid)}`);
  if (feePayment !== null && build.feePaymentPaid > 0n && build.feePaymentPaid + build.networkFee > feePayment.amount) {
    problems.push(`the fee payment (${coins(build.feePaymentPaid)}) and the network fee (${coins(build.networkFee)}) add up to more than the platform's balance of ${coins(feePayment.amount)}`);
  }
  return problems;
}
