import assert from 'node:assert/strict';
import * as bip39 from 'bip39';
import fc from 'fast-check';
import { bip39Seed } from '../../../src/signer/bip39-seed';

// The BIP39 test mnemonic: public, guards nothing.
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

describe("BIP39's seed through node's PBKDF2", () => {
  it('gives the published vector (the test mnemonic with the passphrase TREZOR)', () => {
    expect(bip39Seed(MNEMONIC, 'TREZOR').toString('hex')).toBe(
      'c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04',
    );
  });

  it('normalizes the passphrase (NFKD): a composed and a decomposed accent give one wallet', () => {
    expect(bip39Seed(MNEMONIC, 'caf\u00e9')).toEqual(bip39Seed(MNEMONIC, 'cafe\u0301'));
    expect(bip39Seed(MNEMONIC, 'caf\u00e9')).not.toEqual(bip39Seed(MNEMONIC, 'cafe'));
  });

  it("is bip39's mnemonicToSeedSync for any mnemonic and passphrase (property)", () => {
    // bip39 stretches in JavaScript (about 45 ms a seed): few runs, each a whole wallet's secret.
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 32 }).filter((bytes) => bytes.length % 4 === 0), fc.string({ unit: 'grapheme', maxLength: 12 }), (entropy, passphrase) => {
        const sentence = bip39.entropyToMnemonic(Buffer.from(entropy));
        assert.deepEqual(bip39Seed(sentence, passphrase), bip39.mnemonicToSeedSync(sentence, passphrase));
      }),
      { numRuns: 25 },
    );
  });
});
