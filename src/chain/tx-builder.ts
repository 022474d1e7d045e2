import type { ChainProfile } from '../config/chains';
import { KibbleError } from '../errors';
import { formatCoinsWithTicker } from '../money/amount';
import { parseAddress, type AddressType } from './address';
import { MAX_DERIVATION_INDEX, type KeyPath } from './hd';
import {
  P2PKH_INPUT_WORST_BYTES,
  P2PKH_SCRIPT_BYTES,
  P2SH_SCRIPT_BYTES,
  feeFor,
  outputBytes,
  txOverheadBytes,
  worstCaseTxBytes,
} from './tx-size';

export type { KeyPath } from './hd';

/**
 * The monthly settlement's unsigned transactions (DESIGN sections 4 and 9), as a pure function of
 * the request. Determinism does not depend on the order of `payments` or `utxos`: utxos are taken
 * largest first (ties by txid, then vout); merged payment outputs are ordered by address, and the
 * ids inside one output are sorted.
 */

export interface SpendableOutput { txid: string; vout: number; amount: bigint; address: string; keyPath: KeyPath }
export interface PaymentRequest { id: string; address: string; amount: bigint }
export interface ChangeSlot { address: string; keyPath: KeyPath }
export interface BuildRequest {
  chain: ChainProfile;
  /** Creator payouts. Outputs are merged per address (two payments to one address -> one output, both ids listed). */
  payments: readonly PaymentRequest[];
  /**
   * Optional platform-fee payment that PAYS THE NETWORK FEE OF EVERY TRANSACTION out of its own amount:
   * it goes in the LAST transaction, as its own output (never merged), with amount = requested - sum of all transactions' fees.
   * If that is below chain.dustThreshold it is dropped entirely and the transactions pay their fees from inputs/change as usual.
   * If no standard transaction can hold the inputs it needs, it is capped (see planWithReservedInputs).
   */
  feePayingPayment?: PaymentRequest;
  /** The wallet's spendable (confirmed) outputs, any order. */
  utxos: readonly SpendableOutput[];
  /** A fresh change slot for the transaction with this index (0,1,2...); called only for transactions that get a change output. */
  changeSlot: (txIndex: number) => ChangeSlot;
}
export interface BuiltOutput {
  address: string;
  amount: bigint;
  /** payment ids paid by this output; empty for change */
  paymentIds: string[];
  change?: ChangeSlot;
}
export interface UnsignedTransaction {
  inputs: SpendableOutput[];
  /** Merged payments by address, then the fee-paying payment (last transaction only), then change. */
  outputs: BuiltOutput[];
  /** = sum(inputs) - sum(outputs), exactly; at least chain.fee.perByte x worstCaseBytes. */
  fee: bigint;
  /** Size with the largest possible signatures, < chain.maxStandardTxBytes. */
  worstCaseBytes: number;
}
export interface BuildResult {
  transactions: UnsignedTransaction[];
  networkFee: bigint;
  /** What the fee-paying payment actually pays (0n when dropped or absent; below requested - networkFee when capped). */
  feePaymentPaid: bigint;
  totalWorstCaseBytes: number;
  /**
   * A floor for totalWorstCaseBytes: the fewest (largest) inputs that can fund everything, every
   * payment output (the fee-paying one when paid), and 10 bytes per transaction for the fewest
   * transactions that could hold those bytes. No change outputs.
   */
  lowerBoundBytes: number;
}

const CHANGE_OUTPUT_BYTES = outputBytes(P2PKH_SCRIPT_BYTES);
/**
 * Script lengths by address type: parseAddress is ~10x faster than building the script with
 * outputScriptFor (bitcoinjs payments), and the signer re-derives the real scripts and refuses
 * any size that does not match.
 */
const SCRIPT_BYTES: Readonly<Record<AddressType, number>> = { p2pkh: P2PKH_SCRIPT_BYTES, p2sh: P2SH_SCRIPT_BYTES };
/** 4 version + 1 + 1 counts + 4 locktime. */
const MIN_OVERHEAD_BYTES = txOverheadBytes(0, 0);
const TXID = /^[0-9a-f]{64}$/;

/** One merged payment output. */
interface Payout { address: string; amount: bigint; paymentIds: string[]; scriptLength: number }

/** A transaction in numbers only; change addresses are asked for once every plan is final. */
interface Plan {
  inputStart: number;
  inputCount: number;
  inputSum: bigint;
  outputStart: number;
  outputEnd: number;
  outputSum: bigint;
  outputBytes: number;
  /** The fee-paying payment's amount when this transaction carries it, else 0n. */
  feePayment: bigint;
  change: bigint;
  fee: bigint;
  bytes: number;
}

type Funding =
  | { ok: true; inputCount: number; inputSum: bigint; change: bigint; fee: bigint; bytes: number }
  | { ok: false; reason: 'too-large' | 'exhausted'; shortfall: bigint; strandedChange?: bigint };

export function buildSettlementTransactions(request: BuildRequest): BuildResult {
  const { chain } = request;
  const ids = new Set<string>();
  const payouts = mergePayments(chain, request.payments, ids);
  const feePayment = request.feePayingPayment === undefined ? undefined : checkFeePayment(chain, request.feePayingPayment, ids);
  const utxos = sortedUtxos(chain, request.utxos);
  const { plans, feePaymentPaid, capped } = planTransactions(chain, utxos, payouts, feePayment);
  const transactions = plans.map((plan, txIndex) => materialize(request, utxos, payouts, plan, txIndex));
  let networkFee = 0n;
  let totalWorstCaseBytes = 0;
  for (const tx of transactions) {
    networkFee += tx.fee;
    totalWorstCaseBytes += tx.worstCaseBytes;
  }
  if (feePaymentPaid > 0n && feePayment !== undefined) {
    const expected = feePayment.amount - networkFee;
    if (capped ? feePaymentPaid > expected : feePaymentPaid !== expected) {
      fail('the fee-paying payment is not its request minus the network fee');
    }
  }
  checkChangeSlots(transactions, request);
  const paidFeeBytes = feePaymentPaid > 0n && feePayment !== undefined ? outputBytes(feePayment.scriptLength) : 0;
  const lowerBound = transactions.length === 0 ? 0
    : lowerBoundBytes(chain, utxos, payouts, paidFeeBytes, feePaymentPaid > 0n ? feePaymentPaid + networkFee : undefined);
  return { transactions, networkFee, feePaymentPaid, totalWorstCaseBytes, lowerBoundBytes: lowerBound };
}

interface FeePayment { amount: bigint; scriptLength: number }
interface Planned { plans: Plan[]; feePaymentPaid: bigint; capped: boolean }

function planTransactions(
  chain: ChainProfile, utxos: readonly SpendableOutput[], payouts: readonly Payout[], feePayment: FeePayment | undefined,
): Planned {
  const packer = new Packer(chain, utxos, payouts, 0);
  packer.packPayouts();
  const placed = feePayment === undefined ? 0n : packer.placeFeePayment(feePayment.amount, outputBytes(feePayment.scriptLength));
  if (placed !== 'too-large') return { plans: packer.finish(), feePaymentPaid: placed, capped: false };
  return planWithReservedInputs(chain, utxos, payouts, feePayment as FeePayment);
}

/**
 * When the small utxos left after the payouts cannot fund the fee-paying payment within one
 * standard transaction, it gets the largest utxos instead, reserved before the payouts take theirs;
 * its transaction is still the last one. Its change is inputs - requested + the other transactions'
 * fees, known only once those are packed, so the reserve aims at requested + dust.
 *
 * If even the largest utxos that fit in one transaction fall short, the payment is capped: those
 * inputs go entirely to it (no change) and the platform keeps the rest of its balance for a later
 * month; feePaymentPaid + networkFee then stays at or below the requested amount.
 */
function planWithReservedInputs(
  chain: ChainProfile, utxos: readonly SpendableOutput[], payouts: readonly Payout[], feePayment: FeePayment,
): Planned {
  const { dustThreshold: dust, maxStandardTxBytes: max } = chain;
  const requested = feePayment.amount;
  const scripts = [feePayment.scriptLength, P2PKH_SCRIPT_BYTES];
  const reserve = emptyPlan(0, payouts.length);
  for (const utxo of utxos) {
    if (reserve.inputSum >= requested + dust || worstCaseTxBytes(reserve.inputCount + 1, scripts) >= max) break;
    reserve.inputSum += utxo.amount;
    reserve.inputCount += 1;
  }
  const packer = new Packer(chain, utxos, payouts, reserve.inputCount);
  packer.packPayouts();
  const plans = packer.finish();
  let feesSoFar = 0n;
  for (const plan of plans) feesSoFar += plan.fee;
  const change = reserve.inputSum - requested + feesSoFar;
  if (change >= dust) {
    reserve.bytes = worstCaseTxBytes(reserve.inputCount, scripts);
    reserve.change = change;
  } else {
    // Capped. Paying the platform more than it asked would take coins that belong to others.
    while (reserve.inputCount > 0 && reserve.inputSum + feesSoFar > requested) {
      reserve.inputCount -= 1;
      reserve.inputSum -= (utxos[reserve.inputCount] as SpendableOutput).amount;
    }
    reserve.bytes = worstCaseTxBytes(reserve.inputCount, scripts.slice(0, 1));
  }
  reserve.fee = feeFor(reserve.bytes, chain.fee.perByte);
  reserve.feePayment = reserve.inputSum - reserve.change - reserve.fee;
  if (reserve.inputCount > 0 && reserve.feePayment >= dust) {
    return { plans: [...plans, reserve], feePaymentPaid: reserve.feePayment, capped: reserve.change === 0n };
  }
  // Dropped: the transactions pay their own fees, from the largest utxos as usual.
  const plain = new Packer(chain, utxos, payouts, 0);
  plain.packPayouts();
  return { plans: plain.finish(), feePaymentPaid: 0n, capped: false };
}

/**
 * Greedy packing in one pass: outputs are added to the open transaction while it stays standard
 * with the (largest-first) inputs it then needs; inputs are a running prefix of the sorted utxos,
 * so the whole build is linear after the sort.
 */
class Packer {
  readonly #chain: ChainProfile;
  readonly #utxos: readonly SpendableOutput[];
  readonly #payouts: readonly Payout[];
  readonly #plans: Plan[] = [];
  #open: Plan;
  #feesSoFar = 0n;

  constructor(chain: ChainProfile, utxos: readonly SpendableOutput[], payouts: readonly Payout[], firstInput: number) {
    this.#chain = chain;
    this.#utxos = utxos;
    this.#payouts = payouts;
    this.#open = emptyPlan(firstInput, 0);
  }

  packPayouts(): void {
    for (let j = 0; j < this.#payouts.length;) {
      const payout = this.#payouts[j] as Payout;
      const tx = this.#open;
      const bytes = tx.outputBytes + outputBytes(payout.scriptLength);
      const funding = this.#fundPayouts(tx, tx.outputSum + payout.amount, j + 1 - tx.outputStart, bytes);
      if (funding.ok) {
        const outputSum = tx.outputSum + payout.amount;
        Object.assign(tx, fundedFields(funding), { outputEnd: j + 1, outputSum, outputBytes: bytes });
        j += 1;
      } else if (funding.reason === 'too-large' && tx.outputEnd > tx.outputStart) {
        this.#close();
      } else {
        throw this.#payoutError(funding, j);
      }
    }
  }

  /**
   * Returns the amount paid, 0n when dropped (below dust once it has paid every fee), 'too-large'
   * when even a transaction of its own cannot hold the inputs it needs.
   */
  placeFeePayment(requested: bigint, scriptBytes: number): bigint | 'too-large' {
    const dust = this.#chain.dustThreshold;
    for (;;) {
      const tx = this.#open;
      const net = requested - this.#feesSoFar;
      const outputCount = tx.outputEnd - tx.outputStart + 1;
      // More inputs or a change output only raise the fee: below dust here means below dust anyway.
      const smallestFee = feeFor(this.#sizeOf(tx.inputCount, outputCount, tx.outputBytes + scriptBytes), this.#chain.fee.perByte);
      if (net - smallestFee < dust) return 0n;
      const funding = this.#fundFeePayment(tx, net, outputCount, tx.outputBytes + scriptBytes);
      if (funding.ok) {
        const amount = net - funding.fee;
        if (amount < dust) return 0n;
        Object.assign(tx, fundedFields(funding), { feePayment: amount });
        return amount;
      }
      if (funding.reason === 'too-large') {
        if (tx.outputEnd === tx.outputStart) return 'too-large';
        this.#close();
        continue;
      }
      const total = formatCoinsWithTicker(tx.outputSum + requested, this.#chain);
      const what = `the last transaction's payouts and the fee-paying payment (${total}, network fees included)`;
      throw insufficient(this.#chain, funding, what);
    }
  }

  finish(): Plan[] {
    this.#close();
    return this.#plans;
  }

  #close(): void {
    const tx = this.#open;
    if (tx.outputEnd > tx.outputStart || tx.feePayment > 0n) {
      this.#plans.push(tx);
      this.#feesSoFar += tx.fee;
    }
    this.#open = emptyPlan(tx.inputStart + tx.inputCount, tx.outputEnd);
  }

  #sizeOf(inputCount: number, outputCount: number, outputBytesTotal: number): number {
    return txOverheadBytes(inputCount, outputCount) + inputCount * P2PKH_INPUT_WORST_BYTES + outputBytesTotal;
  }

  /** Fewest further inputs that pay the outputs and the fee; change when it is worth an output. */
  #fundPayouts(tx: Plan, outputSum: bigint, outputCount: number, outputBytesTotal: number): Funding {
    const { maxStandardTxBytes: max, dustThreshold: dust, fee: { perByte } } = this.#chain;
    let inputCount = tx.inputCount;
    let inputSum = tx.inputSum;
    for (;;) {
      const bytes = this.#sizeOf(inputCount, outputCount, outputBytesTotal);
      if (bytes >= max) return { ok: false, reason: 'too-large', shortfall: 0n };
      const fee = feeFor(bytes, perByte);
      if (inputSum >= outputSum + fee) {
        const withChange = this.#sizeOf(inputCount, outputCount + 1, outputBytesTotal + CHANGE_OUTPUT_BYTES);
        const change = inputSum - outputSum - feeFor(withChange, perByte);
        // A leftover below dust is not worth an output: it goes to the fee.
        if (change < dust) return { ok: true, inputCount, inputSum, change: 0n, fee: inputSum - outputSum, bytes };
        if (withChange >= max) return { ok: false, reason: 'too-large', shortfall: 0n };
        return { ok: true, inputCount, inputSum, change, fee: inputSum - outputSum - change, bytes: withChange };
      }
      const next = this.#utxos[tx.inputStart + inputCount];
      if (next === undefined) return { ok: false, reason: 'exhausted', shortfall: outputSum + fee - inputSum };
      inputSum += next.amount;
      inputCount += 1;
    }
  }

  /**
   * With the fee-paying payment, inputs = payouts + net + change exactly (its amount is net - fee),
   * so change is fixed by the inputs: add inputs until it is 0 or at least dust.
   */
  #fundFeePayment(tx: Plan, net: bigint, outputCount: number, outputBytesTotal: number): Funding {
    const { maxStandardTxBytes: max, dustThreshold: dust, fee: { perByte } } = this.#chain;
    const need = tx.outputSum + net;
    let inputCount = tx.inputCount;
    let inputSum = tx.inputSum;
    for (;;) {
      const change = inputSum - need;
      const bytes = change > 0n
        ? this.#sizeOf(inputCount, outputCount + 1, outputBytesTotal + CHANGE_OUTPUT_BYTES)
        : this.#sizeOf(inputCount, outputCount, outputBytesTotal);
      if (bytes >= max) return { ok: false, reason: 'too-large', shortfall: 0n };
      if (change === 0n || change >= dust) return { ok: true, inputCount, inputSum, change, fee: feeFor(bytes, perByte), bytes };
      const next = this.#utxos[tx.inputStart + inputCount];
      if (next === undefined) {
        return change < 0n
          ? { ok: false, reason: 'exhausted', shortfall: -change }
          : { ok: false, reason: 'exhausted', shortfall: dust - change, strandedChange: change };
      }
      inputSum += next.amount;
      inputCount += 1;
    }
  }

  #payoutError(funding: Funding & { ok: false }, j: number): KibbleError {
    const payout = this.#payouts[j] as Payout;
    if (funding.reason === 'too-large') {
      const amount = formatCoinsWithTicker(payout.amount, this.#chain);
      return insufficient(this.#chain, funding, `paying ${payout.paymentIds.join(', ')} (${amount})`);
    }
    let later = 0n;
    for (let i = j + 1; i < this.#payouts.length; i += 1) later += (this.#payouts[i] as Payout).amount;
    const unpaid = formatCoinsWithTicker(this.#open.outputSum + payout.amount + later, this.#chain);
    const what = `the remaining payments (${unpaid}) plus network fees`;
    return insufficient(this.#chain, { ...funding, shortfall: funding.shortfall + later }, what);
  }
}

function emptyPlan(inputStart: number, outputStart: number): Plan {
  return {
    inputStart, inputCount: 0, inputSum: 0n, outputStart, outputEnd: outputStart, outputSum: 0n, outputBytes: 0,
    feePayment: 0n, change: 0n, fee: 0n, bytes: 0,
  };
}

function fundedFields(funding: Funding & { ok: true }): Partial<Plan> {
  const { inputCount, inputSum, change, fee, bytes } = funding;
  return { inputCount, inputSum, change, fee, bytes };
}

/** `what` names the amounts that could not be funded, in a phrase that ends the sentence. */
function insufficient(chain: ChainProfile, funding: Funding & { ok: false }, what: string): KibbleError {
  if (funding.reason === 'too-large') {
    return new KibbleError(
      'insufficient-funds',
      `${what} needs more inputs than fit in one standard transaction (below ${chain.maxStandardTxBytes} bytes); ` +
        "consolidate the wallet's small outputs first",
    );
  }
  const coins = (units: bigint): string => formatCoinsWithTicker(units, chain);
  const stranded = funding.strandedChange === undefined ? ''
    : ` and keep the ${coins(funding.strandedChange)} left over, which is below the dust threshold ` +
      `(${coins(chain.dustThreshold)}) and cannot be a change output`;
  return new KibbleError(
    'insufficient-funds',
    `the wallet's spendable outputs cannot pay ${what}${stranded}: short by at least ${coins(funding.shortfall)}`,
    { shortfall: funding.shortfall.toString() },
  );
}

function materialize(
  request: BuildRequest, utxos: readonly SpendableOutput[], payouts: readonly Payout[], plan: Plan, txIndex: number,
): UnsignedTransaction {
  const { chain } = request;
  const inputs = utxos.slice(plan.inputStart, plan.inputStart + plan.inputCount).map(copyUtxo);
  const outputs: BuiltOutput[] = [];
  const scriptLengths: number[] = [];
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
  for (const output of tx.outputs) {
    balance -= output.amount;
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

function checkChangeSlots(transactions: readonly UnsignedTransaction[], request: BuildRequest): void {
  const payees = new Set(request.payments.map((payment) => payment.address));
  if (request.feePayingPayment !== undefined) payees.add(request.feePayingPayment.address);
  const seen = new Set<string>();
  for (const tx of transactions) {
    for (const output of tx.outputs) {
      if (output.change === undefined) continue;
      if (payees.has(output.address)) invalid(`change address ${output.address} is also a payout address`);
      if (seen.has(output.address)) invalid(`change address ${output.address} was handed out for two transactions`);
      seen.add(output.address);
    }
  }
}

function checkChangeSlot(chain: ChainProfile, slot: ChangeSlot, txIndex: number): ChangeSlot {
  if (addressType(chain, slot.address, `change of transaction ${txIndex}`) !== 'p2pkh') {
    invalid(`change address of transaction ${txIndex} must be P2PKH`);
  }
  checkKeyPath(slot.keyPath, `change of transaction ${txIndex}`);
  return { address: slot.address, keyPath: { change: slot.keyPath.change, index: slot.keyPath.index } };
}

function mergePayments(chain: ChainProfile, payments: readonly PaymentRequest[], ids: Set<string>): Payout[] {
  const byAddress = new Map<string, Payout>();
  for (const payment of payments) {
    checkPayment(chain, payment, ids);
    if (payment.amount < chain.dustThreshold) invalid(`payment ${payment.id} is below the dust threshold`);
    let payout = byAddress.get(payment.address);
    if (payout === undefined) {
      const scriptLength = outputScriptLength(chain, payment.address, `payment ${payment.id}`);
      payout = { address: payment.address, amount: 0n, paymentIds: [], scriptLength };
      byAddress.set(payment.address, payout);
    }
    payout.amount += payment.amount;
    payout.paymentIds.push(payment.id);
  }
  const payouts = [...byAddress.values()].sort((a, b) => compareStrings(a.address, b.address));
  for (const payout of payouts) {
    if (payout.amount > chain.maxMoney) invalid(`payments to ${payout.address} add up to more than the largest single amount`);
    payout.paymentIds.sort(compareStrings);
  }
  return payouts;
}

function checkFeePayment(chain: ChainProfile, payment: PaymentRequest, ids: Set<string>): FeePayment {
  checkPayment(chain, payment, ids);
  return { amount: payment.amount, scriptLength: outputScriptLength(chain, payment.address, 'the fee-paying payment') };
}

function checkPayment(chain: ChainProfile, payment: PaymentRequest, ids: Set<string>): void {
  if (typeof payment.id !== 'string' || payment.id === '') invalid('a payment has no id');
  if (ids.has(payment.id)) invalid(`payment id ${payment.id} appears twice`);
  ids.add(payment.id);
  if (typeof payment.amount !== 'bigint' || payment.amount < 0n || payment.amount > chain.maxMoney) {
    invalid(`payment ${payment.id} has an invalid amount`);
  }
}

function sortedUtxos(chain: ChainProfile, utxos: readonly SpendableOutput[]): SpendableOutput[] {
  const outpoints = new Set<string>();
  const p2pkh = new Set<string>();
  for (const utxo of utxos) {
    const outpoint = `${utxo.txid}:${utxo.vout}`;
    if (!TXID.test(utxo.txid) || !Number.isInteger(utxo.vout) || utxo.vout < 0 || utxo.vout > 0xffffffff) {
      invalid(`spendable output ${outpoint} is not a valid outpoint (txid: 64 lower-case hex digits)`);
    }
    if (outpoints.has(outpoint)) invalid(`spendable output ${outpoint} is listed twice`);
    outpoints.add(outpoint);
    if (typeof utxo.amount !== 'bigint' || utxo.amount <= 0n || utxo.amount > chain.maxMoney) {
      invalid(`spendable output ${outpoint} has an invalid amount`);
    }
    if (!p2pkh.has(utxo.address)) {
      // Sizes assume P2PKH inputs: anything else would make the fee short.
      if (addressType(chain, utxo.address, `spendable output ${outpoint}`) !== 'p2pkh') {
        invalid(`spendable output ${outpoint} is not P2PKH`);
      }
      p2pkh.add(utxo.address);
    }
    checkKeyPath(utxo.keyPath, `spendable output ${outpoint}`);
  }
  return [...utxos].sort(
    (a, b) => (a.amount > b.amount ? -1 : a.amount < b.amount ? 1 : compareStrings(a.txid, b.txid) || a.vout - b.vout),
  );
}

function checkKeyPath(path: KeyPath, what: string): void {
  const ok = (path.change === 0 || path.change === 1) &&
    Number.isInteger(path.index) && path.index >= 0 && path.index <= MAX_DERIVATION_INDEX;
  if (!ok) invalid(`${what} has an invalid key path`);
}

function outputScriptLength(chain: ChainProfile, address: string, what: string): number {
  return SCRIPT_BYTES[addressType(chain, address, what)];
}

function addressType(chain: ChainProfile, address: string, what: string): AddressType {
  try {
    return parseAddress(chain, address).type;
  } catch (error) {
    return invalid(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function copyUtxo(utxo: SpendableOutput): SpendableOutput {
  const { txid, vout, amount, address, keyPath } = utxo;
  return { txid, vout, amount, address, keyPath: { change: keyPath.change, index: keyPath.index } };
}

function lowerBoundBytes(
  chain: ChainProfile,
  utxos: readonly SpendableOutput[],
  payouts: readonly Payout[],
  feePaymentBytes: number,
  feePaymentAmount: bigint | undefined,
): number {
  let paymentBytes = feePaymentBytes;
  let paymentTotal = 0n;
  for (const payout of payouts) {
    paymentBytes += outputBytes(payout.scriptLength);
    paymentTotal += payout.amount;
  }
  const capacity = chain.maxStandardTxBytes - 1 - MIN_OVERHEAD_BYTES;
  const withOverhead = (inputCount: number): number => {
    const content = inputCount * P2PKH_INPUT_WORST_BYTES + paymentBytes;
    return content + MIN_OVERHEAD_BYTES * Math.max(1, Math.ceil(content / capacity));
  };
  // A paid fee-paying payment carries every fee inside its amount (feePaymentPaid + networkFee).
  const needed = (inputCount: number): bigint =>
    paymentTotal + (feePaymentAmount ?? feeFor(withOverhead(inputCount), chain.fee.perByte));
  let inputCount = 0;
  let inputSum = 0n;
  for (const utxo of utxos) {
    if (inputSum >= needed(inputCount)) break;
    inputSum += utxo.amount;
    inputCount += 1;
  }
  return withOverhead(inputCount);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function invalid(message: string): never {
  throw new KibbleError('validation-failed', message);
}
