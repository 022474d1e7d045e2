import { crypto as bitcoinCrypto, Psbt, script as bscript, Transaction } from 'bitcoinjs-lib';
import * as ecc from 'tiny-secp256k1';
import { outputScriptFor, p2pkhAddress } from '../chain/address';
import type { ChainProfile } from '../chain/profiles';
import type { UnsignedTransaction } from '../chain/tx/tx-builder';
import { KibbleError } from '../errors';
import { psbtOptions, unsignedTxidOfPlanned, unsignedTxidOfTransaction } from './psbt';

/**
 * The import's check of signatures made elsewhere (`kibble sign` on an offline machine): the
 * transaction must be exactly the planned one and every input must carry a valid SIGHASH_ALL
 * signature by the key of the address it spends. Nothing here holds a key.
 */

/** A signed transaction from a file: a finalized PSBT (base64) or the raw transaction (hex). */
export function signedTransactionFromText(chain: ChainProfile, text: string, label: string): Transaction {
  const trimmed = text.trim();
  try {
    if (/^[0-9a-fA-F]+$/.test(trimmed)) return Transaction.fromHex(trimmed);
    return Psbt.fromBase64(trimmed, psbtOptions(chain)).extractTransaction(true);
  } catch (error) {
    throw new KibbleError('psbt-invalid', `${label} is neither a finalized PSBT nor a raw transaction: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Throws unless `tx` is `unsigned` with every input validly signed; returns its size. */
export function checkSignedAgainstPlan(chain: ChainProfile, unsigned: UnsignedTransaction, tx: Transaction, label: string): void {
  if (unsignedTxidOfTransaction(tx) !== unsignedTxidOfPlanned(chain, unsigned)) {
    throw new KibbleError('settlement-refused', `${label} is not the planned transaction (its inputs, outputs or amounts differ)`);
  }
  unsigned.inputs.forEach((input, i) => {
    const where = `${label}, input ${i} (${input.txid}:${input.vout})`;
    const chunks = bscript.decompile(tx.ins[i]?.script ?? new Uint8Array(0));
    const [signature, publicKey] = chunks ?? [];
    if (chunks?.length !== 2 || !(signature instanceof Uint8Array) || !(publicKey instanceof Uint8Array)) {
      throw new KibbleError('settlement-refused', `${where} is not signed`);
    }
    if (p2pkhAddress(chain, bitcoinCrypto.hash160(publicKey)) !== input.address) throw new KibbleError('settlement-refused', `${where} is signed by a key of another address`);
    let decoded: { signature: Uint8Array; hashType: number };
    try {
      decoded = bscript.signature.decode(signature);
    } catch {
      throw new KibbleError('settlement-refused', `${where} carries a malformed signature`);
    }
    const hash = tx.hashForSignature(i, outputScriptFor(chain, input.address), Transaction.SIGHASH_ALL);
    if (decoded.hashType !== Transaction.SIGHASH_ALL || !ecc.verify(hash, publicKey, decoded.signature, true)) {
      throw new KibbleError('settlement-refused', `${where} carries a signature that does not verify`);
    }
  });
  if (tx.byteLength() > unsigned.worstCaseBytes) throw new KibbleError('settlement-refused', `${label} is larger than the size its fee was paid for`);
}
