import { BIP32Factory, type BIP32Interface } from 'bip32';
import { crypto as bitcoinCrypto } from 'bitcoinjs-lib';
import bs58check from 'bs58check';
import * as ecc from 'tiny-secp256k1';
import { CHAIN_NAMES, CHAIN_PROFILES, type ChainName, type ChainProfile } from '../chain/profiles';
import { KibbleError } from '../errors';
import { p2pkhAddress } from '../chain/address';
import { assertDerivationIndex, CHANGE_CHAIN, RECEIVE_CHAIN } from '../chain/key-path';

/**
 * The service's HD tree, m/44'/coin'/0' (DESIGN section 3). The API side only ever sees the
 * account-level xpub; private keys exist only inside the signer (src/signer/hd-signer.ts), so
 * signing can later move to another process or an offline machine.
 */

const bip32 = BIP32Factory(ecc);

const HARDENED = 0x80000000;
/** m/44'/coin'/account' */
const ACCOUNT_DEPTH = 3;
const ACCOUNT = 0;
const BIP32_PAYLOAD_BYTES = 78;

export function accountPath(profile: ChainProfile): string {
  return `m/44'/${profile.bip44CoinType}'/${ACCOUNT}'`;
}

/** The account-level extended public key (WALLET_XPUB) as a BIP32 node of the chain. */
export function parseAccountXpub(profile: ChainProfile, xpub: string): BIP32Interface {
  return parseAccountKey(profile, xpub, 'public');
}

export function depositAddress(profile: ChainProfile, accountXpubNode: BIP32Interface, index: number): string {
  return addressAt(profile, accountXpubNode.derive(RECEIVE_CHAIN), index);
}

export function changeAddress(profile: ChainProfile, accountXpubNode: BIP32Interface, index: number): string {
  return addressAt(profile, accountXpubNode.derive(CHANGE_CHAIN), index);
}

export function addressOfPublicKey(profile: ChainProfile, publicKey: Uint8Array): string {
  return p2pkhAddress(profile, bitcoinCrypto.hash160(publicKey));
}

/**
 * Derives many addresses from one xpub: the receive and change chain nodes are derived once, so
 * each address costs one child derivation instead of two plus a base58 parse.
 */
export class AddressDeriver {
  readonly #profile: ChainProfile;
  readonly #receive: BIP32Interface;
  readonly #change: BIP32Interface;

  constructor(profile: ChainProfile, accountXpub: string | BIP32Interface) {
    const account = typeof accountXpub === 'string' ? parseAccountXpub(profile, accountXpub) : accountXpub;
    this.#profile = profile;
    this.#receive = account.derive(RECEIVE_CHAIN);
    this.#change = account.derive(CHANGE_CHAIN);
  }

  depositAddress(index: number): string {
    return addressAt(this.#profile, this.#receive, index);
  }

  changeAddress(index: number): string {
    return addressAt(this.#profile, this.#change, index);
  }
}

function addressAt(profile: ChainProfile, chainNode: BIP32Interface, index: number): string {
  assertDerivationIndex(index);
  return addressOfPublicKey(profile, chainNode.derive(index).publicKey);
}

export type KeyKind = 'public' | 'private';

/**
 * Decodes the version first so that a key for the wrong chain, or a private key where a public
 * one belongs, gets a message that says so. Messages never contain the key itself.
 */
export function parseAccountKey(profile: ChainProfile, text: string, expected: KeyKind): BIP32Interface {
  const label = expected === 'public' ? 'extended public key' : 'extended private key';
  const payload = decodeBase58Check(text);
  if (payload === undefined) {
    throw keyInvalid(`not a valid ${label}: the base58check encoding is broken (typo or incomplete copy?)`);
  }
  if (payload.length !== BIP32_PAYLOAD_BYTES) {
    throw keyInvalid(`not an ${label}: it decodes to ${payload.length} bytes, expected ${BIP32_PAYLOAD_BYTES}`);
  }
  const version = new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0);
  const problem = versionProblem(profile, version, expected);
  if (problem !== undefined) throw keyInvalid(problem);
  let node: BIP32Interface;
  try {
    node = bip32.fromBase58(text, profile.network);
  } catch (error) {
    // bip32's messages describe the structure ("Point is not on the curve"), never the key.
    throw keyInvalid(`not a valid ${label}: ${error instanceof Error ? error.message : String(error)}`);
  }
  assertAccountLevel(profile, node, label);
  return node;
}

function versionProblem(profile: ChainProfile, version: number, expected: KeyKind): string | undefined {
  const own = profile.network.bip32;
  if (version === own[expected]) return undefined;
  if (expected === 'public' && version === own.private) {
    return (
      'this is an extended PRIVATE key; only the account-level extended public key belongs here. ' +
      'Never share the private key, and consider it exposed if it was stored where the xpub goes'
    );
  }
  if (expected === 'private' && version === own.public) {
    return 'this is an extended public key; the signer needs the account-level extended private key';
  }
  const wanted = expected === 'public' ? 'extended public key' : 'extended private key';
  const publicFor = chainsWithBip32Version(version, 'public');
  const privateFor = chainsWithBip32Version(version, 'private');
  if (publicFor.length > 0) return `this is an extended public key for ${publicFor.join(' / ')}; expected a ${profile.name} ${wanted}`;
  if (privateFor.length > 0) {
    return `this is an extended private key for ${privateFor.join(' / ')} (never share it); expected a ${profile.name} ${wanted}`;
  }
  return `unknown extended key version 0x${version.toString(16).padStart(8, '0')}; expected a ${profile.name} ${wanted}`;
}

function chainsWithBip32Version(version: number, kind: KeyKind): ChainName[] {
  return CHAIN_NAMES.filter((name) => CHAIN_PROFILES[name].network.bip32[kind] === version);
}

/** A master or address-level key would derive a different tree than the signer signs for. */
function assertAccountLevel(profile: ChainProfile, node: BIP32Interface, label: string): void {
  if (node.depth !== ACCOUNT_DEPTH || node.index < HARDENED) {
    throw keyInvalid(
      `expected the account-level ${label} at ${accountPath(profile)} (depth ${ACCOUNT_DEPTH}, hardened), ` +
        `got one at depth ${node.depth}`,
    );
  }
}

function decodeBase58Check(text: string): Uint8Array | undefined {
  try {
    return bs58check.decodeUnsafe(text);
  } catch {
    return undefined;
  }
}

export function keyInvalid(message: string): KibbleError {
  return new KibbleError('key-invalid', message);
}
