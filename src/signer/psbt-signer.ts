import { Transaction, type Psbt } from 'bitcoinjs-lib';
import * as ecc from 'tiny-secp256k1';
import type { ChainProfile } from '../chain/profiles';
import { KibbleError } from '../errors';
import { parseAccountXpub } from '../keys/hd';
import type { Signer } from './hd-signer';
import type { PlanSummary } from './plan-summary';
import { checkSigningRequest, type CheckedRequest, type SigningHistory, type SigningLimits } from './policy';
import { unsignedTxidOfTransaction } from './psbt';

/**
 * Signs the PSBTs of a request the policy accepted (policy.ts), with the signer's key: every
 * input SIGHASH_ALL, RFC 6979, checked, finalized and extracted. The answer holds both the signed
 * PSBT (for files) and the raw transaction (what the service stores and broadcasts).
 */

export interface SignedPsbt {
  unsignedTxid: string;
  txid: string;
  raw: string /* hex */;
  psbt: string /* base64, finalized */;
  fee: bigint;
}

export function checkAndSign(
  chain: ChainProfile, signer: Signer, summary: PlanSummary, psbts: readonly Psbt[], limits: SigningLimits, history: SigningHistory,
): { checked: CheckedRequest; signed: SignedPsbt[] } {
  if (signer.chain !== chain.name) throw new KibbleError('internal', `the signer is for ${signer.chain}, the request for ${chain.name}`);
  const checked = checkSigningRequest(chain, parseAccountXpub(chain, signer.accountXpub()), summary, psbts, limits, history);
  return { checked, signed: checked.transactions.map((tx) => signChecked(signer, tx.psbt, tx.fee)) };
}

function signChecked(signer: Signer, original: Psbt, fee: bigint): SignedPsbt {
  const psbt = original.clone();
  psbt.data.inputs.forEach((input, i) => {
    const path = input.bip32Derivation?.[0]?.path ?? '';
    const [, change, index] = path.split('/');
    // The policy checked each path is m/<0|1>/<index> and derives the input's own key.
    psbt.signInput(i, signer.keyPairFor({ change: change === '1' ? 1 : 0, index: Number(index) }), [Transaction.SIGHASH_ALL]);
  });
  if (!psbt.validateSignaturesOfAllInputs((pubkey, hash, signature) => ecc.verify(hash, pubkey, signature, true))) {
    throw new KibbleError('internal', 'a signature just made does not verify');
  }
  psbt.finalizeAllInputs();
  const tx = psbt.extractTransaction(true);
  return { unsignedTxid: unsignedTxidOfTransaction(tx), txid: tx.getId(), raw: tx.toHex(), psbt: psbt.toBase64(), fee };
}
