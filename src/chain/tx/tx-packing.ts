// Filling the settlement's transactions (tx-builder.ts), in numbers only: which sorted inputs and
// merged payouts go in which transaction, its change and its fee. Addresses and the finished
// transactions come afterwards (materialize in tx-builder.ts).
import type { ChainProfile } from '../profiles';
import { KibbleError } from '../../errors';
import { formatCoinsWithTicker } from '../../money/amount';
import type { FeePayment, Payout } from './tx-request';
import { P2PKH_INPUT_WORST_BYTES, P2PKH_SCRIPT_BYTES, feeFor, outputBytes, txOverheadBytes } from './tx-size';
import type { FeePaymentStatus, SpendableOutput } from './tx-types';

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
  /** 1 when this transaction carries the data output (the first one), else 0; its bytes are in outputBytes. */
  dataOutputs: number;
  /** The fee-paying payment's amount when this transaction carries it, else 0n. */
  feePayment: bigint;
  change: bigint;
  fee: bigint;
  bytes: number;
}

type Funding =
  | { ok: true; inputCount: number; inputSum: bigint; change: bigint; fee: bigint; bytes: number }
  | { ok: false; reason: 'too-large' | 'exhausted'; shortfall: bigint };

/**
 * What became of the fee-paying payment: `paid` in `outputs` outputs (one per transaction that
 * carries part of it), and why the rest, if any, waits in platform:fees (FeePaymentStatus).
 */
export interface FeePlacement { paid: bigint; outputs: number; status: FeePaymentStatus }

export interface Planned { plans: Plan[]; feePayment: FeePlacement | null }

/**
 * The plans of every transaction, the fee-paying payment's (if paid) last.
 *
 * The fee-paying payment goes in the last payout transaction. When that transaction cannot hold
 * the inputs it needs (a large platform fee in a wallet of small outputs), it goes on over as many
 * transactions as it needs: each is filled up to the size limit with the next inputs and one
 * output to the fee address (in the payout transaction that output also takes what would have been
 * its change), and the last pays what is left, with change. So the whole fee is paid whenever the
 * wallet holds it, from the same largest-first run of inputs the payouts take theirs from; only a
 * wallet that really lacks the coins (or whose outputs are worth less than spending them costs)
 * leaves part of it in platform:fees for a later month. One output per transaction costs 34 bytes
 * each, no more than the change outputs it replaces.
 */
export function planTransactions(
  chain: ChainProfile, utxos: readonly SpendableOutput[], payouts: readonly Payout[], feePayment: FeePayment | undefined, dataScriptBytes?: number,
): Planned {
  const packer = new Packer(chain, utxos, payouts, dataScriptBytes);
  packer.packPayouts();
  const placed = feePayment === undefined ? null : packer.placeFeePayment(feePayment.amount, outputBytes(feePayment.scriptLength));
  return { plans: packer.finish(), feePayment: placed };
}

/**
 * Greedy packing in one pass: outputs are added to the open transaction while it stays standard
 * with the (largest-first) inputs it then needs; inputs are a running prefix of the sorted utxos,
 * so the whole build is linear after the sort. The first transaction starts with the data output,
 * when there is one, so its bytes count like any other output's.
 */
class Packer {
  readonly #chain: ChainProfile;
  readonly #utxos: readonly SpendableOutput[];
  readonly #payouts: readonly Payout[];
  readonly #plans: Plan[] = [];
  #open: Plan;
  #feesSoFar = 0n;

  constructor(chain: ChainProfile, utxos: readonly SpendableOutput[], payouts: readonly Payout[], dataScriptBytes: number | undefined) {
    this.#chain = chain;
    this.#utxos = utxos;
    this.#payouts = payouts;
    this.#open = emptyPlan(0, 0);
    if (dataScriptBytes !== undefined) Object.assign(this.#open, { dataOutputs: 1, outputBytes: outputBytes(dataScriptBytes) });
  }

  packPayouts(): void {
    for (let j = 0; j < this.#payouts.length;) {
      const payout = this.#payouts[j] as Payout;
      const tx = this.#open;
      const bytes = tx.outputBytes + outputBytes(payout.scriptLength);
      const funding = this.#fundPayouts(tx, tx.outputSum + payout.amount, j + 1 - tx.outputStart + tx.dataOutputs, bytes);
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
   * Places the fee-paying payment after the payouts (see planTransactions). `paid` counts its
   * outputs so far: each transaction's part is what its inputs hold beyond its payouts and its
   * own fee, so `requested - fees so far - paid` is always what the rest may still use.
   */
  placeFeePayment(requested: bigint, scriptBytes: number): FeePlacement {
    const { dustThreshold: dust, fee: { perByte } } = this.#chain;
    const placement: FeePlacement = { paid: 0n, outputs: 0, status: 'paid-in-full' };
    const stop = (status: FeePaymentStatus): FeePlacement => ({ ...placement, status });
    for (;;) {
      const tx = this.#open;
      const net = requested - this.#feesSoFar - placement.paid;
      const outputCount = tx.outputEnd - tx.outputStart + tx.dataOutputs + 1;
      const bytesWithFee = tx.outputBytes + scriptBytes;
      // More inputs or a change output only raise the fee: below dust here means below dust anyway.
      const smallestFee = feeFor(this.#sizeOf(tx.inputCount, outputCount, bytesWithFee), perByte);
      if (net - smallestFee < dust) return stop('below-dust');
      const funding = this.#fundFeePayment(tx, net, outputCount, bytesWithFee);
      if (funding.ok) {
        // change is inputs - payouts - net, or more when the wallet is too short to leave none.
        const amount = funding.inputSum - tx.outputSum - funding.change - funding.fee;
        const short = amount < net - funding.fee;
        if (amount < dust) return stop(short ? 'wallet-short' : 'below-dust');
        Object.assign(tx, fundedFields(funding), { feePayment: amount });
        return { paid: placement.paid + amount, outputs: placement.outputs + 1, status: short ? 'wallet-short' : 'paid-in-full' };
      }
      // Not all here (or the wallet runs out): this transaction takes what it can. In the last
      // payout transaction that spends its change and its room first, rather than leave them.
      const part = this.#fillWithFeePart(tx, net, outputCount, bytesWithFee, scriptBytes);
      if (part !== undefined) {
        Object.assign(tx, part);
        placement.paid += part.feePayment;
        placement.outputs += 1;
      }
      if (tx.inputStart + tx.inputCount >= this.#utxos.length) return stop('wallet-short');
      if (part === undefined && tx.outputEnd === tx.outputStart) return stop(funding.reason === 'exhausted' ? 'wallet-short' : 'inputs-too-small');
      this.#close();
    }
  }

  /**
   * This transaction's part of a fee-paying payment that it cannot pay whole: the next inputs up
   * to the size limit, all of them beyond the payouts and the fee going to one fee output (no
   * change). It keeps short of paying all of `net`, and leaves the rest large enough for the next
   * transaction to pay (at least dust after that transaction's fee), dropping inputs if need be.
   * Undefined when no part of at least dust fits.
   */
  #fillWithFeePart(tx: Plan, net: bigint, outputCount: number, outputBytesTotal: number, scriptBytes: number): Partial<Plan> & { feePayment: bigint } | undefined {
    const { maxStandardTxBytes: max, dustThreshold: dust, fee: { perByte } } = this.#chain;
    let inputCount = tx.inputCount;
    let inputSum = tx.inputSum;
    for (;;) {
      const next = this.#utxos[tx.inputStart + inputCount];
      if (next === undefined || this.#sizeOf(inputCount + 1, outputCount, outputBytesTotal) >= max) break;
      if (inputSum + next.amount - tx.outputSum >= net) break;
      inputSum += next.amount;
      inputCount += 1;
    }
    const leastRest = dust + feeFor(this.#sizeOf(0, 1, scriptBytes), perByte);
    while (inputCount > tx.inputCount && net - (inputSum - tx.outputSum) < leastRest) {
      inputCount -= 1;
      inputSum -= (this.#utxos[tx.inputStart + inputCount] as SpendableOutput).amount;
    }
    const bytes = this.#sizeOf(inputCount, outputCount, outputBytesTotal);
    const fee = feeFor(bytes, perByte);
    const feePayment = inputSum - tx.outputSum - fee;
    if (bytes >= max || feePayment < dust || net - (inputSum - tx.outputSum) < leastRest) return undefined;
    return { inputCount, inputSum, change: 0n, fee, bytes, feePayment };
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
        if (change < 0n) return { ok: false, reason: 'exhausted', shortfall: -change };
        // A leftover below dust and nothing to add: the change is made exactly dust, and the fee
        // output pays that much less (the platform keeps it) rather than take others' coins.
        const withChange = this.#sizeOf(inputCount, outputCount + 1, outputBytesTotal + CHANGE_OUTPUT_BYTES);
        return { ok: true, inputCount, inputSum, change: dust, fee: feeFor(withChange, perByte), bytes: withChange };
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
    inputStart, inputCount: 0, inputSum: 0n, outputStart, outputEnd: outputStart, outputSum: 0n, outputBytes: 0, dataOutputs: 0,
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
  return new KibbleError(
    'insufficient-funds',
    `the wallet's spendable outputs cannot pay ${what}: short by at least ${formatCoinsWithTicker(funding.shortfall, chain)}`,
    { shortfall: funding.shortfall.toString() },
  );
}
