import assert from 'node:assert/strict';
import fc from 'fast-check';
import { address as bitcoinAddress } from 'bitcoinjs-lib';
import {
  ADDRESS_BYTES,
  BASE58_ALPHABET,
  addressChecksumMatches,
  decodeBase58Address,
  encodeBase58Check,
} from '../../../src/chain/base58-address';

/** The fast codec's verdict on `text`: version and hash, or undefined for anything it rejects. */
function fastDecode(text: string): { version: number; hash: string } | undefined {
  const bytes = decodeBase58Address(text);
  if (bytes === undefined) return undefined;
  expect(bytes.length).toBe(ADDRESS_BYTES);
  if (!addressChecksumMatches(bytes)) return undefined;
  return { version: bytes[0] as number, hash: Buffer.from(bytes.subarray(1, 21)).toString('hex') };
}

/** bitcoinjs-lib's verdict, the reference: it throws for everything it rejects. */
function referenceDecode(text: string): { version: number; hash: string } | undefined {
  try {
    const { version, hash } = bitcoinAddress.fromBase58Check(text);
    return { version, hash: Buffer.from(hash).toString('hex') };
  } catch {
    return undefined;
  }
}

const version = fc.integer({ min: 0, max: 0xff });
/** Hashes with 0-20 leading zero bytes: each zero byte is a leading '1' only after a zero version. */
const hash = fc
  .tuple(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.nat({ max: 20 }), fc.boolean())
  .map(([bytes, zeros, zeroed]) => (zeroed ? Uint8Array.from(bytes).fill(0, 0, zeros) : bytes));
const versionAndHash = fc.tuple(fc.oneof(version, fc.constant(0)), hash);
/** Alphabet characters, characters base58 leaves out, whitespace and characters past ASCII. */
const anyCharacter = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...BASE58_ALPHABET) },
  { weight: 1, arbitrary: fc.constantFrom('0', 'O', 'I', 'l', ' ', '\n', '+', '/', 'é', '\u0131', '\u{1F600}') },
);

/** A valid address with one edit: the kinds of damage a copy or a typo does. */
const mutated = fc
  .tuple(versionAndHash, fc.nat(), fc.nat({ max: 40 }), anyCharacter, fc.integer({ min: 0, max: 7 }))
  .map(([[v, h], at, count, character, kind]) => {
    const text = bitcoinAddress.toBase58Check(h, v);
    const i = at % text.length;
    switch (kind) {
      case 0:
        return text.slice(0, i) + character + text.slice(i + 1); // replace
      case 1:
        return text.slice(0, i) + text.slice(i + 1); // delete
      case 2:
        return text.slice(0, i) + character + text.slice(i); // insert
      case 3:
        return text.slice(0, i) + (text[i + 1] ?? '') + (text[i] ?? '') + text.slice(i + 2); // swap
      case 4:
        return '1'.repeat(1 + (count % 3)) + text; // extra leading zero bytes
      case 5:
        return text.replace(/^1+/, ''); // leading zero bytes lost
      case 6:
        return text.slice(0, count % (text.length + 1)); // truncated
      default:
        return text + text.slice(0, 1 + (count % 4)); // doubled paste
    }
  });

describe('base58-address: agreement with bitcoinjs-lib', () => {
  it('encodes any version and hash exactly as address.toBase58Check', () => {
    fc.assert(
      fc.property(versionAndHash, ([v, h]) => encodeBase58Check(v, h) === bitcoinAddress.toBase58Check(h, v)),
      { numRuns: 3000 },
    );
  });

  it('decodes what it encodes exactly as address.fromBase58Check', () => {
    fc.assert(
      fc.property(versionAndHash, ([v, h]) => {
        const text = encodeBase58Check(v, h);
        const decoded = fastDecode(text);
        assert.deepEqual(decoded, { version: v, hash: Buffer.from(h).toString('hex') });
        assert.deepEqual(decoded, referenceDecode(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects exactly the mutated addresses that address.fromBase58Check rejects', () => {
    fc.assert(
      fc.property(mutated, (text) => {
        assert.deepEqual(fastDecode(text), referenceDecode(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees on arbitrary base58 strings around the address lengths', () => {
    const base58 = fc.string({ unit: fc.constantFrom(...BASE58_ALPHABET), maxLength: 40 });
    const text = fc.tuple(fc.nat({ max: 30 }), base58).map(([ones, rest]) => '1'.repeat(ones) + rest);
    fc.assert(
      fc.property(text, (t) => {
        const bytes = decodeBase58Address(t);
        assert.equal(bytes === undefined ? undefined : Buffer.from(bytes).toString('hex'), plainDecode25(t));
        assert.deepEqual(fastDecode(t), referenceDecode(t));
      }),
      { numRuns: 3000 },
    );
  });
});

/** Base58 the plain way (BigInt; each leading '1' a zero byte), as hex when it is 25 bytes. */
function plainDecode25(text: string): string | undefined {
  let value = 0n;
  for (const character of text) value = value * 58n + BigInt(BASE58_ALPHABET.indexOf(character));
  const digits = value === 0n ? '' : value.toString(16);
  const zeros = text.length - text.replace(/^1+/, '').length;
  const hex = '00'.repeat(zeros) + digits.padStart(digits.length + (digits.length % 2), '0');
  return hex.length === 2 * ADDRESS_BYTES ? hex : undefined;
}

describe('base58-address: edge cases', () => {
  it.each([
    ['version 0, zero hash (the most leading 1s)', 0x00, new Uint8Array(20)],
    ['version 0xff, hash 0xff..ff (the longest)', 0xff, new Uint8Array(20).fill(0xff)],
    ['version 0, hash 0x00 0x01 ...', 0x00, Uint8Array.from({ length: 20 }, (_, i) => i)],
    ['Dogecoin P2PKH', 0x1e, Uint8Array.from({ length: 20 }, (_, i) => 255 - i)],
  ])('round-trips %s like bitcoinjs-lib', (_name, v, h) => {
    const text = encodeBase58Check(v, h);
    expect(text).toBe(bitcoinAddress.toBase58Check(h, v));
    expect(fastDecode(text)).toEqual(referenceDecode(text));
    expect(fastDecode(text)).toEqual({ version: v, hash: Buffer.from(h).toString('hex') });
  });

  it.each([
    ['empty', ''],
    ['only 1s, too many', '1'.repeat(26)],
    ['too long', '2'.repeat(36)],
    ['non-ASCII', 'DBXu2kgc3xtvCUWFcxFE3r9hEYgmuaaCy\u00e9'],
  ])('rejects %s', (_name, text) => {
    expect(decodeBase58Address(text)).toBeUndefined();
    expect(referenceDecode(text)).toBeUndefined();
  });

  it('leaves a checksum check of the wrong length to fail, not throw', () => {
    expect(addressChecksumMatches(new Uint8Array(24))).toBe(false);
  });

  it.each([
    ['version -1', -1, new Uint8Array(20)],
    ['version 256', 256, new Uint8Array(20)],
    ['version 1.5', 1.5, new Uint8Array(20)],
    ['a 19-byte hash', 0, new Uint8Array(19)],
    ['a 21-byte hash', 0, new Uint8Array(21)],
  ])('refuses to encode %s, as bitcoinjs-lib does', (_name, v, h) => {
    expect(() => encodeBase58Check(v, h)).toThrow(RangeError);
    expect(() => bitcoinAddress.toBase58Check(h, v)).toThrow();
  });
});
