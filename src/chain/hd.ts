import { inspect } from 'node:util';
import { BIP32Factory, type BIP32Interface } from 'bip32';
import * as bip39 from 'bip39';
import { crypto as bitcoinCrypto } from 'bitcoinjs-lib';
import bs58check from 'bs58check';
import * as ecc from 'tiny-secp256k1';
import { CHAIN_NAMES, CHAIN_PROFILES, type ChainName, type ChainProfile } from '../config/chains';
import { KibbleError } from '../errors';
import { p2pkhAddress } from './address';

/**
 * The service's HD tree, m/44'/coin'/0' (DESIGN section 3). The API side only ever sees the
 * account-level xpub; private keys exist only inside the signer at the end of this file, so
 * signing can later move to another process or an offline machine.
 */

const bip32 = BIP32Factory(ecc);

export const MAX_DERIVATION_INDEX = 0x7fffffff;
const HARDENED = 0x80000000;
/** m/44'/coin'/account' */
const ACCOUNT_DEPTH = 3;
const ACCOUNT = 0;
const RECEIVE_CHAIN = 0;
const CHANGE_CHAIN = 1;
const BIP32_PAYLOAD_BYTES = 78;
const MNEMONIC_WORD_COUNTS = [12, 15, 18, 21, 24];
const REDACTED = '[signer]';

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

export function assertDerivationIndex(index: number): void {
  if (!Number.isInteger(index) || index < 0 || index > MAX_DERIVATION_INDEX) {
    throw new KibbleError(
      'derivation-index-invalid',
      `derivation index must be an integer from 0 to ${MAX_DERIVATION_INDEX}, got ${String(index)}`,
      { index },
    );
  }
}

type KeyKind = 'public' | 'private';

/**
 * Decodes the version first so that a key for the wrong chain, or a private key where a public
 * one belongs, gets a message that says so. Messages never contain the key itself.
 */
function parseAccountKey(profile: ChainProfile, text: string, expected: KeyKind): BIP32Interface {
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

function keyInvalid(message: string): KibbleError {
  return new KibbleError('key-invalid', message);
}

// ---------------------------------------------------------------------------------------------
// Signer: the only holder of private keys.

export interface KeyPath {
  change: 0 | 1;
  index: number;
}

/** What bitcoinjs-lib's Psbt.signInput needs (its `Signer` interface), and nothing more. */
export interface SigningKey {
  readonly publicKey: Uint8Array;
  sign(hash: Uint8Array, lowR?: boolean): Uint8Array;
}

export interface Signer {
  readonly chain: ChainName;
  /** The account-level xpub that matches this signer, serialized with the chain's versions. */
  accountXpub(): string;
  keyPairFor(path: KeyPath): SigningKey;
}

/** WALLET_XPRV is account-level (m/44'/coin'/0'); a mnemonic is derived down to that level. */
export type SignerSecret = { xprv: string } | { mnemonic: string; passphrase?: string };

export function createSigner(profile: ChainProfile, secret: SignerSecret): Signer {
  const account =
    'xprv' in secret
      ? parseAccountKey(profile, secret.xprv, 'private')
      : accountFromMnemonic(profile, secret.mnemonic, secret.passphrase ?? '');
  return new HdSigner(profile, account);
}

function accountFromMnemonic(profile: ChainProfile, mnemonic: string, passphrase: string): BIP32Interface {
  const words = mnemonic.normalize('NFKD').trim().split(/\s+/u);
  if (!MNEMONIC_WORD_COUNTS.includes(words.length)) {
    throw keyInvalid(
      `a BIP39 mnemonic has ${MNEMONIC_WORD_COUNTS.join(', ')} words; this one has ${words[0] === '' ? 0 : words.length}`,
    );
  }
  const wordlist = bip39.wordlists.english;
  if (wordlist === undefined) throw new KibbleError('internal', 'the BIP39 English wordlist is missing');
  // Positions only: even a misspelt word is part of the secret.
  const unknown = words.flatMap((word, i) => (wordlist.includes(word) ? [] : [i + 1]));
  if (unknown.length > 0) {
    throw keyInvalid(
      `mnemonic word${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} not in the BIP39 English wordlist (lower case)`,
    );
  }
  const sentence = words.join(' ');
  if (!bip39.validateMnemonic(sentence, wordlist)) {
    throw keyInvalid('the mnemonic checksum does not match: a word is wrong or the order is changed');
  }
  const root = bip32.fromSeed(bip39.mnemonicToSeedSync(sentence, passphrase), profile.network);
  return root.derivePath(accountPath(profile));
}

/** Key holders print as "[signer]" in logs, JSON and the REPL, never as key material. */
class Redacted {
  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

class HdSigner extends Redacted implements Signer {
  readonly chain: ChainName;
  readonly #account: BIP32Interface;

  constructor(profile: ChainProfile, account: BIP32Interface) {
    super();
    this.chain = profile.name;
    this.#account = account;
  }

  accountXpub(): string {
    return this.#account.neutered().toBase58();
  }

  keyPairFor(path: KeyPath): SigningKey {
    // A runtime guard: key paths also come from stored documents, whatever their type says.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    if (path.change !== RECEIVE_CHAIN && path.change !== CHANGE_CHAIN) {
      throw new KibbleError('derivation-index-invalid', `change must be 0 or 1, got ${String(path.change)}`);
    }
    assertDerivationIndex(path.index);
    return new HdSigningKey(this.#account.derive(path.change).derive(path.index));
  }
}

class HdSigningKey extends Redacted implements SigningKey {
  readonly #node: BIP32Interface;

  constructor(node: BIP32Interface) {
    super();
    this.#node = node;
  }

  get publicKey(): Uint8Array {
    return this.#node.publicKey;
  }

  sign(hash: Uint8Array, lowR?: boolean): Uint8Array {
    return this.#node.sign(hash, lowR);
  }
}
