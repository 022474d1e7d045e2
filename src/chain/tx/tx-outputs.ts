import { Transaction } from 'bitcoinjs-lib';
import { KibbleError } from '../../errors';
import { addressFromOutputScript } from '../address';
import type { ChainProfile } from '../profiles';

/** One output of a serialized transaction: its index, what it pays, and to whom (if an address). */
export interface DecodedOutput {
  vout: number;
  value: bigint;
  /** undefined for an output that pays no P2PKH/P2SH address (an OP_RETURN commitment...). */
  address: string | undefined;
}

/** The outputs of a raw transaction (hex), decoded with bitcoinjs-lib. */
export function transactionOutputs(profile: ChainProfile, rawHex: string): DecodedOutput[] {
  let tx: Transaction;
  try {
    tx = Transaction.fromHex(rawHex);
  } catch (error) {
    throw new KibbleError('transaction-invalid', `not a serialized transaction: ${error instanceof Error ? error.message : String(error)}`);
  }
  return tx.outs.map((out, vout) => ({ vout, value: out.value, address: addressFromOutputScript(profile, out.script) }));
}

/**
 * The index of the output paying `address` at least `amount` (outputs to one address are merged,
 * so it may pay more); undefined when the transaction has none.
 */
export function payoutVout(outputs: readonly DecodedOutput[], address: string, amount: bigint): number | undefined {
  return outputs.find((output) => output.address === address && output.value >= amount)?.vout;
}
