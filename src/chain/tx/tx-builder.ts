import type { ChainProfile } from '../profiles';
import { KibbleError } from '../../errors';
import { lowerBoundBytes } from './tx-lower-bound';
import { planTransactions, type FeePlacement, type Plan } from './tx-packing';
import { checkChangeSlot, checkChangeSlots, checkDataOutput, checkFeePayment, mergePayments, outputScriptLength, sortedUtxos, type Payout } from './tx-request';
import { P2PKH_SCRIPT_BYTES, feeFor, outputBytes, worstCaseTxBytes } from './tx-size';
import type { BuildRequest, BuildResult, BuiltOutput, FeePaymentOutcome, PaymentRequest, SpendableOutput, UnsignedTransaction } from './tx-types';

export type {
  BuildRequest, BuildResult, BuiltOutput, ChangeSlot, FeePaymentOutcome, FeePaymentStatus, KeyPath, PaymentRequest, RecordedBuildInputs,
  SpendableOutput, UnsignedTransaction,
} from './tx-types';

/**
 * The monthly settlement's unsigned transactions (DESIGN sections 4 and 9), as a pure function of
 * the request. Determinism does not depend on the order of `payments` or `utxos`: utxos are taken
 * largest first (ties by txid, then vout); merged payment outputs are ordered by address, and the
 * ids inside one output are sorted.
 *
 * The entry point: the request is checked in tx-request.ts, the transactions are filled in
 * tx-packing.ts (in numbers only), then materialized here with their change addresses and
 * re-checked rule by rule.
 */
export function buildSettlementTransactions(request: BuildRequest): BuildResult {
  const { chain } = request;
  const ids = new Set<string>();
  const payouts = mergePayments(chain, request.payments, ids);
  const feePayment = request.feePayingPayment === undefined ? undefined : checkFeePayment(chain, request.feePayingPayment, ids);
  const utxos = sortedUtxos(chain, request.utxos);
  const dataScript = checkDataOutput(request.dataOutput);
  const dataScriptBytes = dataScript === undefined ? undefined : dataScript.length / 2;
  const { plans, feePayment: placed } = planTransactions(chain, utxos, payouts, feePayment, dataScriptBytes);
  const transactions = plans.map((plan, txIndex) => materialize(request, utxos, payouts, plan, txIndex));
  let networkFee = 0n;
  let totalWorstCaseBytes = 0;
  for (const tx of transactions) {
    networkFee += tx.fee;
    totalWorstCaseBytes += tx.worstCaseBytes;
  }
  const feeRequest = request.feePayingPayment;
  const outcome = feeRequest === undefined || placed === null ? undefined : feePaymentOutcome(feeRequest, placed, networkFee, transactions);
  const feePaymentPaid = outcome?.paid ?? 0n;
  checkChangeSlots(transactions, request);
  const paidFeeBytes = feePaymentPaid > 0n && feePayment !== undefined ? outputBytes(feePayment.scriptLength) : 0;
  const lowerBound = transactions.length === 0 ? 0
    : lowerBoundBytes(chain, utxos, payouts, paidFeeBytes, feePaymentPaid > 0n ? feePaymentPaid + networkFee : undefined, dataScriptBytes === undefined ? 0 : outputBytes(dataScriptBytes));
  return { transactions, networkFee, feePaymentPaid, ...(outcome === undefined ? {} : { feePayment: outcome }), totalWorstCaseBytes, lowerBoundBytes: lowerBound };
}

/**
 * The fee-paying payment's account, re-derived from the finished transactions: its outputs add up
 * to what the packing says it paid; paid in full, they are its request minus the network fee to
 * the koinu, and otherwise less (the platform never receives more than its balance).
 */
function feePaymentOutcome(request: PaymentRequest, placed: FeePlacement, networkFee: bigint, transactions: readonly UnsignedTransaction[]): FeePaymentOutcome {
  const requested = request.amount;
  let paid = 0n;
  let outputs = 0;
  for (const tx of transactions) {
    for (const output of tx.outputs) {
      if (!output.paymentIds.includes(request.id)) continue;
      paid += output.amount;
      outputs += 1;
    }
  }
  if (paid !== placed.paid || outputs !== placed.outputs) fail('the fee-paying payment\'s outputs do not add up to what was placed');
  const carried = requested - paid - networkFee;
  if (placed.status === 'paid-in-full' ? carried !== 0n : paid > 0n && carried <= 0n) {
    fail('the fee-paying payment is not its request minus the network fee');
  }
  return { requested, paid, outputs, carried, status: placed.status };
}

function materialize(
  request: BuildRequest, utxos: readonly SpendableOutput[], payouts: readonly Payout[], plan: Plan, txIndex: number,
): UnsignedTransaction {
  const { chain } = request;
  const inputs = utxos.slice(plan.inputStart, plan.inputStart + plan.inputCount).map(copyUtxo);
  const outputs: BuiltOutput[] = [];
  const scriptLengths: number[] = [];
  if (plan.dataOutputs > 0 && request.dataOutput !== undefined) {
    outputs.push({ address: '', amount: 0n, paymentIds: [], dataScript: request.dataOutput.script });
    scriptLengths.push(request.dataOutput.script.length / 2);
  }
  for (const payout of payouts.slice(plan.outputStart, plan.outputEnd)) {
    outputs.push({ address: payout.address, amount: payout.amount, paymentIds: [...payout.paymentIds] });
    scriptLengths.push(payout.scriptLength);
  }
  const feePayment = request.feePayingPayment;
  if (plan.feePayment > 0n && feePayment !== undefined) {
    outputs.push({ address: feePayment.address, amount: plan.feePayment, paymentIds: [feePayment.id] });
    scriptLengths.push(outputScriptLength(chain, feePayment.address, 'the fee-paying payment'));
  }
  if (plan.change > 0n) {
    const slot = checkChangeSlot(chain, request.changeSlot(txIndex), txIndex);
    outputs.push({ address: slot.address, amount: plan.change, paymentIds: [], change: slot });
    scriptLengths.push(P2PKH_SCRIPT_BYTES);
  }
  const tx: UnsignedTransaction = { inputs, outputs, fee: plan.fee, worstCaseBytes: plan.bytes };
  selfCheck(chain, tx, worstCaseTxBytes(inputs.length, scriptLengths), txIndex);
  return tx;
}

/** Re-derives every rule from the finished transaction, apart from the running totals. */
function selfCheck(chain: ChainProfile, tx: UnsignedTransaction, bytes: number, txIndex: number): void {
  let balance = 0n;
  for (const input of tx.inputs) balance += input.amount;
  for (const [vout, output] of tx.outputs.entries()) {
    balance -= output.amount;
    if (output.dataScript !== undefined) {
      // Only the first transaction's first output, worth nothing.
      if (txIndex !== 0 || vout !== 0 || output.amount !== 0n || output.paymentIds.length > 0 || output.change !== undefined) fail(`transaction ${txIndex} has a misplaced data output`);
      continue;
    }
    if (output.amount < chain.dustThreshold) fail(`an output of transaction ${txIndex} is below the dust threshold`);
  }
  if (balance !== tx.fee) fail(`transaction ${txIndex}: inputs - outputs != fee`);
  if (bytes !== tx.worstCaseBytes) fail(`transaction ${txIndex}: size bookkeeping is off (${tx.worstCaseBytes} != ${bytes})`);
  if (bytes >= chain.maxStandardTxBytes) fail(`transaction ${txIndex} is not standard (${bytes} bytes)`);
  if (tx.fee < feeFor(bytes, chain.fee.perByte)) fail(`transaction ${txIndex} pays less than the fee rate`);
}

function fail(message: string): never {
  throw new KibbleError('internal', `settlement builder self-check failed: ${message}`);
}

function copyUtxo(utxo: SpendableOutput): SpendableOutput {
  const { txid, vout, amount, address, keyPath } = utxo;
  return { txid, vout, amount, address, keyPath: { change: keyPath.change, index: keyPath.index } };
}
