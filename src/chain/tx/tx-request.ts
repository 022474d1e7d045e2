// Validation of a settlement build request (tx-builder.ts): payments merged per address, the
// fee-paying payment, the wallet's spendable outputs sorted largest first, and the change slots the
// caller hands out. Everything a caller can get wrong is a 'validation-failed' KibbleError.
import type { ChainProfile } from '../profiles';
import { KibbleError } from '../../errors';
import { parseAddress, type AddressType } from '../address';
import { MAX_DERIVATION_INDEX, type KeyPath } from '../key-path';
import { isStandardDataScript, P2PKH_SCRIPT_BYTES, P2SH_SCRIPT_BYTES } from './tx-size';
import type { BuildRequest, ChangeSlot, PaymentRequest, SpendableOutput, UnsignedTransaction } from './tx-types';

/**
 * Script lengths by address type: parseAddress is ~10x faster than building the script with
 * outputScriptFor (bitcoinjs payments), and the signer re-derives the real scripts and refuses
 * any size that does not match.
 */
const SCRIPT_BYTES: Readonly<Record<AddressType, number>> = { p2pkh: P2PKH_SCRIPT_BYTES, p2sh: P2SH_SCRIPT_BYTES };
const TXID = /^[0-9a-f]{64}$/;

/** One merged payment output. */
export interface Payout { address: string; amount: bigint; paymentIds: string[]; scriptLength: number }
/** The fee-paying payment, checked: its requested amount and output script length. */
export interface FeePayment { amount: bigint; scriptLength: number }

/** No change address is also a payee, and none is used for two transactions. */
export function checkChangeSlots(transactions: readonly UnsignedTransaction[], request: BuildRequest): void {
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

/** A P2PKH change address with a valid key path, copied so the caller cannot change it later. */
export function checkChangeSlot(chain: ChainProfile, slot: ChangeSlot, txIndex: number): ChangeSlot {
  if (addressType(chain, slot.address, `change of transaction ${txIndex}`) !== 'p2pkh') {
    invalid(`change address of transaction ${txIndex} must be P2PKH`);
  }
  checkKeyPath(slot.keyPath, `change of transaction ${txIndex}`);
  return { address: slot.address, keyPath: { change: slot.keyPath.change, index: slot.keyPath.index } };
}

/** Checks the payments (ids added to `ids`) and merges them into one output per address, ordered by address. */
export function mergePayments(chain: ChainProfile, payments: readonly PaymentRequest[], ids: Set<string>): Payout[] {
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

/** Checks the fee-paying payment (its id added to `ids`, so it cannot repeat a payment's). */
export function checkFeePayment(chain: ChainProfile, payment: PaymentRequest, ids: Set<string>): FeePayment {
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

/** The data output's script, checked: hex of an OP_RETURN script of at most 83 bytes. */
export function checkDataOutput(dataOutput: BuildRequest['dataOutput']): string | undefined {
  if (dataOutput === undefined) return undefined;
  const { script } = dataOutput;
  if (typeof script !== 'string' || !/^(?:[0-9a-f]{2})+$/.test(script) || !isStandardDataScript(Buffer.from(script, 'hex'))) {
    invalid('the data output must be an OP_RETURN script of at most 83 bytes, as lower-case hex');
  }
  return script;
}

/** Checks the spendable outputs and sorts them largest first (ties by txid, then vout). */
export function sortedUtxos(chain: ChainProfile, utxos: readonly SpendableOutput[]): SpendableOutput[] {
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
  // A runtime guard: the request may come from outside the type system (a stored plan).
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  const ok = (path.change === 0 || path.change === 1) &&
    Number.isInteger(path.index) && path.index >= 0 && path.index <= MAX_DERIVATION_INDEX;
  if (!ok) invalid(`${what} has an invalid key path`);
}

/** The output script length for this address; a 'validation-failed' error naming `what` if it is not one of the chain's. */
export function outputScriptLength(chain: ChainProfile, address: string, what: string): number {
  return SCRIPT_BYTES[addressType(chain, address, what)];
}

function addressType(chain: ChainProfile, address: string, what: string): AddressType {
  try {
    return parseAddress(chain, address).type;
  } catch (error) {
    return invalid(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function invalid(message: string): never {
  throw new KibbleError('validation-failed', message);
}
