import fc from 'fast-check';
import { payments } from 'bitcoinjs-lib';
import vectors from '../../fixtures/addresses.json';
import {
  ADDRESS_INVALID_REASONS,
  addressFromOutputScript,
  checkAddress,
  outputScriptFor,
  p2pkhAddress,
  p2shAddress,
  parseAddress,
  type AddressInvalidReason,
} from '../../../src/chain/address';
import { CHAIN_NAMES, chainProfile } from '../../../src/chain/profiles';
import { KibbleError } from '../../../src/errors';

interface AddressFixture {
  valid: ReadonlyArray<{ chain: string; address: string; type: string; hash: string; note?: string }>;
  invalid: ReadonlyArray<{ chain: string; address: string; reason: string; mentions?: string[]; note?: string }>;
}

const fixture: AddressFixture = vectors;

function bytesOf(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** Test names must show invisible characters, or "D... " and "D..." look like the same case. */
function show(text: string): string {
  return JSON.stringify(text).replace(/[^\x20-\x7e]/gu, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}

describe('checkAddress: test/fixtures/addresses.json', () => {
  it.each(fixture.valid.map((v) => [`${v.chain} ${v.address}`, v] as const))('accepts %s', (_name, v) => {
    const check = checkAddress(chainProfile(v.chain), v.address);
    expect(check).toEqual({ valid: true, type: v.type, hash: bytesOf(v.hash) });
  });

  it.each(fixture.invalid.map((v) => [`${v.chain} ${show(v.address)}`, v] as const))('rejects %s', (_name, v) => {
    expect(ADDRESS_INVALID_REASONS).toContain(v.reason);
    const check = checkAddress(chainProfile(v.chain), v.address);
    expect(check).toMatchObject({ valid: false, reason: v.reason as AddressInvalidReason });
    if (check.valid) return;
    for (const word of v.mentions ?? []) expect(check.message).toContain(word);
    // Never echo the input: it may be a private key.
    if (v.address.length > 8) expect(check.message).not.toContain(v.address.trim());
  });
});

describe('parseAddress', () => {
  const dogecoin = chainProfile('dogecoin');
  const litecoinAddress = fixture.valid.find((v) => v.chain === 'litecoin' && v.type === 'p2pkh');

  it('returns type and hash of a valid address', () => {
    const first = fixture.valid[0];
    if (first === undefined) throw new Error('fixture has no valid vectors');
    expect(parseAddress(chainProfile(first.chain), first.address)).toEqual({
      type: first.type,
      hash: bytesOf(first.hash),
    });
  });

  it("throws address-invalid with the reason in details", () => {
    expect.assertions(3);
    try {
      parseAddress(dogecoin, litecoinAddress?.address ?? '');
    } catch (error) {
      expect(error).toBeInstanceOf(KibbleError);
      expect((error as KibbleError).code).toBe('address-invalid');
      expect((error as KibbleError).details).toEqual({ reason: 'other-chain' });
    }
  });
});

describe('output scripts', () => {
  const litecoin = chainProfile('litecoin');

  it.each(fixture.valid.map((v) => [`${v.chain} ${v.address}`, v] as const))('round-trips %s', (_name, v) => {
    const profile = chainProfile(v.chain);
    const script = outputScriptFor(profile, v.address);
    const hash = bytesOf(v.hash);
    const expected = v.type === 'p2pkh' ? payments.p2pkh({ hash }).output : payments.p2sh({ hash }).output;
    expect(script).toEqual(expected);
    const back = addressFromOutputScript(profile, script);
    // A legacy-byte P2SH address comes back with the chain's current byte: same script, same money.
    const canonical = v.type === 'p2pkh' ? p2pkhAddress(profile, hash) : p2shAddress(profile, hash);
    expect(back).toBe(canonical);
  });

  it("maps Litecoin's legacy 3... P2SH address to the M... address of the same script", () => {
    const legacy = fixture.valid.find((v) => v.chain === 'litecoin' && v.address.startsWith('3'));
    const current = fixture.valid.find((v) => v.chain === 'litecoin' && v.address.startsWith('M'));
    if (legacy === undefined || current === undefined) throw new Error('fixture lacks the litecoin P2SH pair');
    expect(legacy.hash).toBe(current.hash);
    expect(addressFromOutputScript(litecoin, outputScriptFor(litecoin, legacy.address))).toBe(current.address);
  });

  it.each([
    ['OP_RETURN', '6a0568656c6c6f'],
    ['P2PK', `21${'02'.padEnd(66, '1')}ac`],
    ['P2WPKH', `0014${'ab'.repeat(20)}`],
    ['P2PKH with a 19-byte push', `76a913${'ab'.repeat(19)}88ac`],
    ['P2SH with OP_EQUALVERIFY', `a914${'ab'.repeat(20)}88`],
    ['empty script', ''],
  ])('returns undefined for %s', (_name, hex) => {
    expect(addressFromOutputScript(chainProfile('dogecoin'), bytesOf(hex))).toBeUndefined();
  });

  it('refuses to encode a hash that is not 20 bytes', () => {
    expect(() => p2pkhAddress(litecoin, new Uint8Array(19))).toThrow(KibbleError);
  });
});

describe('properties', () => {
  const chain = fc.constantFrom(...CHAIN_NAMES).map(chainProfile);
  const hash = fc.uint8Array({ minLength: 20, maxLength: 20 });

  it('every P2PKH/P2SH address of a hash checks as valid with that hash', () => {
    fc.assert(
      fc.property(chain, hash, fc.boolean(), (profile, h, isP2pkh) => {
        const text = isP2pkh ? p2pkhAddress(profile, h) : p2shAddress(profile, h);
        expect(checkAddress(profile, text)).toEqual({ valid: true, type: isP2pkh ? 'p2pkh' : 'p2sh', hash: h });
      }),
    );
  });

  it('changing one character never yields a valid address', () => {
    const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
    fc.assert(
      fc.property(chain, hash, fc.nat(), fc.constantFrom(...alphabet), (profile, h, at, replacement) => {
        const text = p2pkhAddress(profile, h);
        const i = at % text.length;
        fc.pre(text[i] !== replacement);
        const changed = text.slice(0, i) + replacement + text.slice(i + 1);
        expect(checkAddress(profile, changed).valid).toBe(false);
      }),
    );
  });
});
