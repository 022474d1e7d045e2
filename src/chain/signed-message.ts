import { crypto as bitcoinCrypto } from 'bitcoinjs-lib';
import * as ecc from 'tiny-secp256k1';
import { p2pkhAddress } from './address';
import type { ChainProfile } from './profiles';

/**
 * Bitcoin-style signed messages ("signmessage"/"verifymessage" of the Core wallets), with each
 * chain's prefix: SHA256d(varint(prefix length) || prefix || varint(message length) || message),
 * and a 65-byte signature (a header byte 27 + recovery id, + 4 for a compressed key, then r and s)
 * in base64. Verifying recovers the public key and compares its P2PKH address.
 */

const PREFIXES: Readonly<Record<string, string>> = {
  dogecoin: 'Dogecoin Signed Message:\n',
  litecoin: 'Litecoin Signed Message:\n',
};

/** The prefix of the chain's family; bcoin-regtest is the Dogecoin-style test chain. */
export function messagePrefix(chain: ChainProfile): string {
  return chain.name.startsWith('litecoin') ? (PREFIXES.litecoin as string) : (PREFIXES.dogecoin as string);
}

function varint(n: number): Buffer {
  if (n < 0xfd) return Buffer.from([n]);
  const out = Buffer.alloc(3);
  out[0] = 0xfd;
  out.writeUInt16LE(n, 1);
  return out;
}

export function messageHash(chain: ChainProfile, message: string): Uint8Array {
  const prefix = Buffer.from(messagePrefix(chain), 'utf8');
  const body = Buffer.from(message, 'utf8');
  if (body.length > 0xffff) throw new Error('a signed message is at most 65535 bytes');
  return bitcoinCrypto.hash256(Buffer.concat([varint(prefix.length), prefix, varint(body.length), body]));
}

/** The base64 signature of a compact (r || s) signature made by a compressed key. */
export function encodeMessageSignature(recoveryId: 0 | 1 | 2 | 3, compact: Uint8Array): string {
  return Buffer.concat([Buffer.from([27 + 4 + recoveryId]), Buffer.from(compact)]).toString('base64');
}

/** The recovery id under which `compact` over `hash` recovers `publicKey` (compressed), if any. */
export function recoveryIdOf(hash: Uint8Array, compact: Uint8Array, publicKey: Uint8Array): 0 | 1 | 2 | 3 | undefined {
  for (const id of [0, 1, 2, 3] as const) {
    const recovered = ecc.recover(hash, compact, id, true);
    if (recovered !== null && Buffer.from(recovered).equals(Buffer.from(publicKey))) return id;
  }
  return undefined;
}

/** Whether `signature` (base64) signs `message` with the key of the P2PKH `address`. */
export function verifySignedMessage(chain: ChainProfile, address: string, message: string, signature: string): boolean {
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== 65 || bytes.toString('base64') !== signature) return false;
  const header = bytes[0] as number;
  if (header < 27 || header > 34) return false;
  const recoveryId = ((header - 27) & 3) as 0 | 1 | 2 | 3;
  const compressed = header >= 31;
  let publicKey: Uint8Array | null;
  try {
    publicKey = ecc.recover(messageHash(chain, message), bytes.subarray(1), recoveryId, compressed);
  } catch {
    return false;
  }
  return publicKey !== null && p2pkhAddress(chain, bitcoinCrypto.hash160(publicKey)) === address;
}
