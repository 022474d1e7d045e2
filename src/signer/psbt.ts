import type { BIP32Interface } from 'bip32';
import { Psbt, Transaction } from 'bitcoinjs-lib';
import { outputScriptFor } from '../chain/address';
import type { ChainProfile } from '../chain/profiles';
import type { KeyPath } from '../chain/key-path';
import type { UnsignedTransaction } from '../chain/tx/tx-builder';
import { KibbleError } from '../errors';

/**
 * Settlement transactions as PSBTs (BIP174, encoded by bitcoinjs-lib's Psbt). Each legacy P2PKH
 * input carries its full previous transaction (nonWitnessUtxo) and its BIP32 derivation; change
 * outputs carry theirs. Derivations are relative to the ACCOUNT key (m/44'/coin'/0'): the
 * fingerprint is the account key's and the path is "m/<change>/<index>", since the service only
 * knows the account xpub, not the master key. The signer re-derives every path from its own key.
 */

/** The settlement builder writes version 1 transactions; the PSBT keeps it so the bytes match. */
export const SETTLEMENT_TX_VERSION = 1;

export function keyPathText(path: KeyPath): string {
  return `m/${path.change}/${path.index}`;
}

export function psbtOptions(chain: ChainProfile): { network: ChainProfile['network']; maximumFeeRate: number } {
  // bitcoinjs's fee-rate guard is in units per byte; Dogecoin pays 1,000 koinu per byte, above its default.
  return { network: chain.network, maximumFeeRate: Number(chain.fee.perByte) * 100 };
}

/**
 * The PSBT of one unsigned settlement transaction. `previous` holds the raw previous transaction
 * of every input's txid; each is checked to hash to that txid and to pay the input's address.
 */
export function settlementPsbt(
  chain: ChainProfile, unsigned: UnsignedTransaction, previous: ReadonlyMap<string, Uint8Array>, account: BIP32Interface,
): Psbt {
  const psbt = new Psbt(psbtOptions(chain));
  psbt.setVersion(SETTLEMENT_TX_VERSION);
  const fingerprint = account.fingerprint;
  const publicKeys = new Map<string, Uint8Array>();
  const publicKeyAt = (path: KeyPath): Uint8Array => {
    const text = keyPathText(path);
    let key = publicKeys.get(text);
    if (key === undefined) publicKeys.set(text, (key = account.derive(path.change).derive(path.index).publicKey));
    return key;
  };
  for (const input of unsigned.inputs) {
    const raw = previous.get(input.txid);
    if (raw === undefined) throw new KibbleError('internal', `no previous transaction for input ${input.txid}:${input.vout}`);
    const prevTx = Transaction.fromBuffer(raw);
    if (prevTx.getId() !== input.txid) throw new KibbleError('internal', `the previous transaction given for ${input.txid} hashes to ${prevTx.getId()}`);
    const prevOut = prevTx.outs[input.vout];
    if (prevOut === undefined || Buffer.compare(prevOut.script, outputScriptFor(chain, input.address)) !== 0 || prevOut.value !== input.amount) {
      throw new KibbleError('internal', `output ${input.txid}:${input.vout} of the previous transaction is not the wallet output being spent`);
    }
    psbt.addInput({
      hash: input.txid,
      index: input.vout,
      nonWitnessUtxo: raw,
      bip32Derivation: [{ masterFingerprint: fingerprint, path: keyPathText(input.keyPath), pubkey: publicKeyAt(input.keyPath) }],
    });
  }
  for (const output of unsigned.outputs) {
    const change = output.change;
    psbt.addOutput({
      script: builtOutputScript(chain, output),
      value: output.amount,
      ...(change === undefined ? {} : {
        bip32Derivation: [{ masterFingerprint: fingerprint, path: keyPathText(change.keyPath), pubkey: publicKeyAt(change.keyPath) }],
      }),
    });
  }
  return psbt;
}

/** A PSBT from base64 text; anything unreadable is 'psbt-invalid', never an exception of the library. */
export function readPsbt(chain: ChainProfile, base64: string, label: string): Psbt {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new KibbleError('psbt-invalid', `${label} is not base64`);
  try {
    return Psbt.fromBase64(base64, psbtOptions(chain));
  } catch (error) {
    throw new KibbleError('psbt-invalid', `${label} is not a valid PSBT: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The txid of the transaction the PSBT describes, before any signature. Legacy txids change once
 * the inputs are signed, so the signed log and the import compare transactions by this one.
 */
export function unsignedTxidOf(psbt: Psbt): string {
  const tx = new Transaction();
  tx.version = psbt.version;
  tx.locktime = psbt.locktime;
  for (const input of psbt.txInputs) tx.addInput(input.hash, input.index, input.sequence);
  for (const output of psbt.txOutputs) tx.addOutput(output.script, output.value);
  return tx.getId();
}

/** The unsigned txid of a signed transaction: the same transaction with its input scripts emptied. */
export function unsignedTxidOfTransaction(tx: Transaction): string {
  const blank = tx.clone();
  for (let i = 0; i < blank.ins.length; i++) blank.setInputScript(i, new Uint8Array(0));
  return blank.getId();
}

/** The unsigned txid of a planned transaction, as its PSBT (and its signed form) will have it. */
export function unsignedTxidOfPlanned(chain: ChainProfile, unsigned: UnsignedTransaction): string {
  const tx = new Transaction();
  tx.version = SETTLEMENT_TX_VERSION;
  for (const input of unsigned.inputs) tx.addInput(Uint8Array.from(Buffer.from(input.txid, 'hex').reverse()), input.vout);
  for (const output of unsigned.outputs) tx.addOutput(builtOutputScript(chain, output), output.amount);
  return tx.getId();
}

/** A built output's script: an address's, or the planned data output's own (the month's OP_RETURN commitment). */
function builtOutputScript(chain: ChainProfile, output: UnsignedTransaction['outputs'][number]): Uint8Array {
  return output.dataScript === undefined ? outputScriptFor(chain, output.address) : Uint8Array.from(Buffer.from(output.dataScript, 'hex'));
}
