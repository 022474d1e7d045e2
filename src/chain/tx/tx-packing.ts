// Filling the settlement's transactions (tx-builder.ts), in numbers only: which sorted inputs and
// merged payouts go in which transaction, its change and its fee. Addresses and the finished
// transactions come afterwards (materialize in tx-builder.ts).
import type { ChainProfile } from '../profiles';
import { KibbleError } from '../../errors';
import { formatCoinsWithTicker } from '../../money/amount';
import type { FeePayment, Payout } from './tx-request';
import { P2PKH_INPUT_WORST_BYTES, P2PKH_SCRIPT_BYTES, feeFor, outputBytes, txOverheadBytes, worstCaseTxBytes } from './tx-size';
import type { SpendableOutput } from './tx-types';

const CHANGE_OUTPUT_BYTES = outputBytes(P2PKH_SCRIPT_BYTES);

/** A transaction in numbers only; change addresses are asked for once every plan is final. */
export interface Plan {
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

/** feePaymentPaid: 0n when absent or dropped; capped: below its request minus the network fee. */
export interface Planned { plans: Plan[]; feePaymentPaid: bigint; capped: boolean }

/** The plans of every transaction, the fee-paying payment's (if paid) last. */
export function planTransactions(
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
