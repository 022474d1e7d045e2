import { inspect } from 'node:util';
import { BIP32Factory, type BIP32Interface } from 'bip32';
import * as bip39 from 'bip39';
import * as ecc from 'tiny-secp256k1';
import { assertDerivationIndex, CHANGE_CHAIN, RECEIVE_CHAIN, type KeyPath } from '../chain/key-path';
import type { ChainName, ChainProfile } from '../chain/profiles';
import { KibbleError } from '../errors';
import { accountPath, keyInvalid, parseAccountKey } from '../keys/hd';
import { bip39Seed } from './bip39-seed';

/**
 * The signer: the only holder of private keys (DESIGN section 3). Nothing else in kibble sees
 * an xprv or a mnemonic, so this folder can move to another process or an offline machine.
 */

const bip32 = BIP32Factory(ecc);
const MNEMONIC_WORD_COUNTS = [12, 15, 18, 21, 24];
const REDACTED = '[signer]';

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
  const root = bip32.fromSeed(bip39Seed(sentence, passphrase), profile.network);
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
  /**
   * The receive and change branch keys (`.../0`, `.../1`), derived once: deriving a child of a
   * fresh branch node computes that node's public key first, a point multiplication per input that
   * made signing a month of a thousand inputs a third slower.
   */
  readonly #branches = new Map<number, BIP32Interface>();

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
    let branch = this.#branches.get(path.change);
    if (branch === undefined) this.#branches.set(path.change, (branch = this.#account.derive(path.change)));
    return new HdSigningKey(branch.derive(path.index));
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
