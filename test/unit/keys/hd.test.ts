import { inspect } from 'node:util';
import fc from 'fast-check';
import * as ecc from 'tiny-secp256k1';
import { AddressDeriver, addressOfPublicKey, changeAddress, depositAddress, parseAccountXpub } from '../../../src/keys/hd';
import { createSigner } from '../../../src/signer/hd-signer';
import { MAX_DERIVATION_INDEX } from '../../../src/chain/key-path';
import { checkAddress } from '../../../src/chain/address';
import { chainProfile } from '../../../src/chain/profiles';
import { thrownCode } from '../../support/errors';

// The BIP39 test mnemonic: public, guards nothing.
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const dogecoin = chainProfile('dogecoin');
const litecoin = chainProfile('litecoin');
const regtest = chainProfile('bcoin-regtest');

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected an error, but nothing was thrown');
}

const mnemonicSigner = createSigner(dogecoin, { mnemonic: MNEMONIC });
const XPUB = mnemonicSigner.accountXpub();
// m/44'/3'/0' of MNEMONIC with Dogecoin's dgpv version, computed once with bip32 directly.
const XPRV_FROM_MNEMONIC =
  'dgpv57bftCH9z6cEAdAY9SCDV9NfVsygaQWdi5LuCXdumz5qUPWnw1S3YBM7PdHXMvA8oSGS6Pbes1xEHMd5Zi2qHVK45y5FKKXzBXsZcTtYmX5';

describe('test vectors', () => {
  it('derives the known first Dogecoin deposit address of the BIP39 test mnemonic', () => {
    expect(depositAddress(dogecoin, parseAccountXpub(dogecoin, XPUB), 0)).toBe('DBus3bamQjgJULBJtYXpEzDWQRwF5iwxgC');
  });

  it("serializes the account xpub with Dogecoin's dgub version", () => {
    expect(XPUB.startsWith('dgub')).toBe(true);
  });

  it('an xprv signer and a mnemonic signer of the same account agree', () => {
    const xprvSigner = createSigner(dogecoin, { xprv: XPRV_FROM_MNEMONIC });
    expect(xprvSigner.accountXpub()).toBe(XPUB);
  });

  it('a BIP39 passphrase gives another wallet', () => {
    expect(createSigner(dogecoin, { mnemonic: MNEMONIC, passphrase: 'TREZOR' }).accountXpub()).not.toBe(XPUB);
  });

  it('tolerates extra whitespace between words, as other wallets do', () => {
    const spaced = `  ${MNEMONIC.replace(/ /g, '  \n')} `;
    expect(createSigner(dogecoin, { mnemonic: spaced }).accountXpub()).toBe(XPUB);
  });
});

describe('deposit and change addresses', () => {
  const node = parseAccountXpub(dogecoin, XPUB);
  const deriver = new AddressDeriver(dogecoin, XPUB);

  it('the deriver matches the one-off functions', () => {
    for (const i of [0, 1, 7, 1000, MAX_DERIVATION_INDEX]) {
      expect(deriver.depositAddress(i)).toBe(depositAddress(dogecoin, node, i));
      expect(deriver.changeAddress(i)).toBe(changeAddress(dogecoin, node, i));
    }
  });

  it('change addresses never repeat deposit addresses', () => {
    const deposits = new Set(Array.from({ length: 50 }, (_, i) => deriver.depositAddress(i)));
    const changes = Array.from({ length: 50 }, (_, i) => deriver.changeAddress(i));
    expect(deposits.size).toBe(50);
    for (const change of changes) expect(deposits.has(change)).toBe(false);
  });

  it('addresses are valid P2PKH addresses of the chain', () => {
    const regtestDeriver = new AddressDeriver(regtest, createSigner(regtest, { mnemonic: MNEMONIC }).accountXpub());
    expect(checkAddress(regtest, regtestDeriver.depositAddress(3))).toMatchObject({ valid: true, type: 'p2pkh' });
    expect(checkAddress(dogecoin, deriver.changeAddress(3))).toMatchObject({ valid: true, type: 'p2pkh' });
  });

  it.each([-1, 1.5, MAX_DERIVATION_INDEX + 1, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects index %p with derivation-index-invalid',
    (index) => {
      expect(thrownCode(() => deriver.depositAddress(index))).toBe('derivation-index-invalid');
      expect(thrownCode(() => changeAddress(dogecoin, node, index))).toBe('derivation-index-invalid');
      expect(thrownCode(() => mnemonicSigner.keyPairFor({ change: 0, index }))).toBe('derivation-index-invalid');
    },
  );

  it('rejects a change chain other than 0 or 1', () => {
    expect(thrownCode(() => mnemonicSigner.keyPairFor({ change: 2 as 0 | 1, index: 0 }))).toBe('derivation-index-invalid');
  });
});

describe('parseAccountXpub rejects', () => {
  const litecoinXpub = createSigner(litecoin, { mnemonic: MNEMONIC }).accountXpub();

  it.each([
    ['an xpub of another chain', litecoinXpub, 'litecoin'],
    ['a testnet tpub on mainnet', createSigner(chainProfile('dogecoin-testnet'), { mnemonic: MNEMONIC }).accountXpub(), 'dogecoin-testnet'],
    ['a private key', XPRV_FROM_MNEMONIC, 'PRIVATE'],
    ['a broken checksum', `${XPUB.slice(0, -1)}${XPUB.endsWith('s') ? 't' : 's'}`, 'base58check'],
    ['a truncated key', XPUB.slice(0, 100), 'base58check'],
    ['an address', 'DBus3bamQjgJULBJtYXpEzDWQRwF5iwxgC', '78'],
    ['an empty string', '', 'base58check'],
  ])('%s', (_name, text, mentioned) => {
    expect(thrownCode(() => parseAccountXpub(dogecoin, text))).toBe('key-invalid');
    const message = messageOf(() => parseAccountXpub(dogecoin, text));
    expect(message).toContain(mentioned);
    if (text.length > 0) expect(message).not.toContain(text);
  });

  it('a key that is not at the account level', () => {
    // The master key of the same seed: depth 0, so its addresses would not be the signer's.
    const master = 'dgub8kXBZ7ymNWy2RzFfCuAkHMfuUEjbxDK33snqz5r7YTvUsExaHDbWWdju6FedaPkBTDmwMqtGHL8NhLDczSVBKMdpJHR6KrcTDQdnwPMrQZU';
    expect(thrownCode(() => parseAccountXpub(dogecoin, master))).toBe('key-invalid');
    expect(messageOf(() => parseAccountXpub(dogecoin, master))).toContain("m/44'/3'/0'");
  });
});

describe('createSigner rejects', () => {
  const words = MNEMONIC.split(' ');

  it.each([
    ['a bad checksum', [...words.slice(0, 11), 'abandon'].join(' '), 'checksum'],
    ['an unknown word', [...words.slice(0, 4), 'abandonn', ...words.slice(5)].join(' '), 'word 5 '],
    ['capitalised words', MNEMONIC.toUpperCase(), 'lower case'],
    ['a wrong word count', words.slice(0, 11).join(' '), 'has 11'],
    ['an empty mnemonic', '   ', 'has 0'],
  ])('a mnemonic with %s', (_name, mnemonic, mentioned) => {
    expect(thrownCode(() => createSigner(dogecoin, { mnemonic }))).toBe('key-invalid');
    const message = messageOf(() => createSigner(dogecoin, { mnemonic }));
    expect(message).toContain(mentioned);
    expect(message).not.toMatch(/abandon|about/i);
  });

  it('an xpub where the xprv belongs', () => {
    expect(thrownCode(() => createSigner(dogecoin, { xprv: XPUB }))).toBe('key-invalid');
  });

  it('an xprv of another chain, without echoing it', () => {
    const message = messageOf(() => createSigner(litecoin, { xprv: XPRV_FROM_MNEMONIC }));
    expect(message).toContain('dogecoin');
    expect(message).not.toContain(XPRV_FROM_MNEMONIC);
  });
});

describe('signer', () => {
  it('the xpub derives the same addresses as the signer keys (property)', () => {
    const deriver = new AddressDeriver(dogecoin, XPUB);
    fc.assert(
      fc.property(fc.constantFrom(0 as const, 1 as const), fc.integer({ min: 0, max: MAX_DERIVATION_INDEX }), (change, index) => {
        const fromSigner = addressOfPublicKey(dogecoin, mnemonicSigner.keyPairFor({ change, index }).publicKey);
        const fromXpub = change === 0 ? deriver.depositAddress(index) : deriver.changeAddress(index);
        expect(fromSigner).toBe(fromXpub);
      }),
      { numRuns: 50 },
    );
  });

  it('signs with a signature that verifies against its public key', () => {
    const key = mnemonicSigner.keyPairFor({ change: 0, index: 0 });
    const hash = new Uint8Array(32).fill(7);
    const signature = key.sign(hash);
    expect(signature).toHaveLength(64);
    expect(ecc.verify(hash, key.publicKey, signature, true)).toBe(true);
  });

  it('shows no key material in JSON, inspect or string form', () => {
    const key = mnemonicSigner.keyPairFor({ change: 1, index: 2 });
    const shown = [
      JSON.stringify(mnemonicSigner),
      JSON.stringify({ signer: mnemonicSigner, key }),
      inspect(mnemonicSigner, { showHidden: true, depth: 10 }),
      inspect(key, { showHidden: true, depth: 10 }),
      // Object's default string form is what a careless log line would show: it must not leak.
      // eslint-disable-next-line @typescript-eslint/no-base-to-string
      String(mnemonicSigner),
      // eslint-disable-next-line @typescript-eslint/no-base-to-string
      String(key),
    ].join('\n');
    expect(shown).toContain('[signer]');
    expect(shown).not.toMatch(/dgpv|dgub|abandon|privateKey|chainCode/);
    expect(Object.keys(mnemonicSigner)).toEqual(['chain']);
  });
});
