import { pbkdf2Sync } from 'node:crypto';

/** BIP39's key stretching: PBKDF2-HMAC-SHA512, 2,048 rounds, a 64-byte seed. */
const ROUNDS = 2_048;
const SEED_BYTES = 64;

/**
 * The BIP39 seed of a mnemonic sentence (already validated) and a passphrase: the same bytes as
 * bip39's `mnemonicToSeedSync`, computed by node's own PBKDF2 (OpenSSL). bip39 3.1 runs it in pure
 * JavaScript, 45 ms warm and 80 ms in a fresh process, paid by every kibble process started from
 * a mnemonic and by every test file that builds a wallet; node's takes about 3 ms.
 */
export function bip39Seed(sentence: string, passphrase: string): Buffer {
  const password = Buffer.from(sentence.normalize('NFKD'), 'utf8');
  const salt = Buffer.from(`mnemonic${passphrase}`.normalize('NFKD'), 'utf8');
  return pbkdf2Sync(password, salt, ROUNDS, SEED_BYTES, 'sha512');
}
