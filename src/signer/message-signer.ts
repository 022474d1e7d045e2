import { encodeMessageSignature, messageHash, recoveryIdOf } from '../chain/signed-message';
import type { ChainProfile } from '../chain/profiles';
import type { KeyPath } from '../chain/key-path';
import { KibbleError } from '../errors';
import type { Signer } from './hd-signer';

/**
 * Signs a message with the key of one of the wallet's addresses (the proof of reserves' per
 * address signatures: docs/proofs.md). The private key stays in the signer: only its signing
 * function is used, and the recovery id is found by recovering the public key.
 */
export function signMessageWith(signer: Signer, chain: ChainProfile, keyPath: KeyPath, message: string): string {
  const key = signer.keyPairFor(keyPath);
  const hash = messageHash(chain, message);
  const compact = key.sign(hash);
  const recoveryId = recoveryIdOf(hash, compact, key.publicKey);
  if (recoveryId === undefined) throw new KibbleError('internal', 'a message signature does not recover its own public key');
  return encodeMessageSignature(recoveryId, compact);
}

/** The signer's message signing for one chain, as the proof of reserves asks for it. */
export function messageSignerOf(signer: Signer, chain: ChainProfile): (keyPath: KeyPath, message: string) => string {
  return (keyPath, message) => signMessageWith(signer, chain, keyPath, message);
}
