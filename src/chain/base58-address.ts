import { hash as oneShotHash } from 'node:crypto';

/**
 * Base58check for 25-byte addresses (version byte, 20-byte hash, 4-byte checksum): the one codec
 * that address.ts and watch-index.ts share. It only knows that one shape; address.ts keeps a
 * general decoder for the slow path that explains what is wrong with anything else.
 *
 * Why it is fast: decoding through BigInt and bitcoinjs's pure-JS SHA-256 took ~28 µs an address
 * on the 2-core dev machine, ~3 s to load 100,000 at start-up. 16-bit limbs and node's SHA-256
 * take ~9 µs, most of it the two hash calls.
 */

export const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BASE58_VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE58_ALPHABET.length; i++) BASE58_VALUES[BASE58_ALPHABET.charCodeAt(i)] = i;

export const ADDRESS_HASH_BYTES = 20;
/** Version byte + hash + checksum. */
export const ADDRESS_BYTES = 1 + ADDRESS_HASH_BYTES + 4;
/**
 * The 25 bytes as big-endian 16-bit limbs: the version byte alone, then twelve pairs. 16 bits keep
 * the long arithmetic in small integers; 32-bit limbs need doubles, which ran 25 times slower
 * under jest's module sandbox.
 */
const LIMBS = 13;
const MAX_ADDRESS_CHARS = 35;
/** Scratch limbs, reused: JS runs one call at a time and no function here awaits. */
const limbs = new Uint16Array(LIMBS);

/**
 * The 25 bytes `text` encodes, or undefined if it is not canonical base58 of exactly 25 bytes.
 * The checksum is not checked: see `addressChecksumMatches`. The result is a fresh Buffer the
 * caller may keep, but it may share its ArrayBuffer with others (Buffer's pool).
 */
export function decodeBase58Address(text: string): Buffer | undefined {
  if (text.length > MAX_ADDRESS_CHARS) return undefined;
  limbs.fill(0);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let carry = code < 128 ? (BASE58_VALUES[code] as number) : -1;
    if (carry < 0) return undefined;
    for (let j = LIMBS - 1; j >= 0; j--) {
      const value = (limbs[j] as number) * 58 + carry;
      limbs[j] = value & 0xffff;
      carry = value >>> 16;
    }
    if (carry !== 0) return undefined;
  }
  if ((limbs[0] as number) > 0xff) return undefined;
  const bytes = Buffer.allocUnsafe(ADDRESS_BYTES);
  bytes[0] = limbs[0] as number;
  for (let j = 1; j < LIMBS; j++) bytes.writeUInt16BE(limbs[j] as number, 2 * j - 1);
  // Each leading '1' stands for one leading zero byte; anything else is a second spelling.
  return leadingOnes(text) === leadingZeros(bytes) ? bytes : undefined;
}

/** Whether the last 4 of 25 bytes are the checksum of the first 21. */
export function addressChecksumMatches(bytes: Uint8Array): boolean {
  if (bytes.length !== ADDRESS_BYTES) return false;
  const digest = sha256d(bytes.subarray(0, 1 + ADDRESS_HASH_BYTES));
  return digest.compare(bytes, 1 + ADDRESS_HASH_BYTES, ADDRESS_BYTES, 0, 4) === 0;
}

/**
 * Base58check of a version byte and a 20-byte hash: long division of the limbs by 58. Throws a
 * RangeError for a version that is no byte or a hash that is not 20 bytes.
 */
export function encodeBase58Check(version: number, hash: Uint8Array): string {
  if (!Number.isInteger(version) || version < 0 || version > 0xff) {
    throw new RangeError(`an address version is a byte, got ${version}`);
  }
  if (hash.length !== ADDRESS_HASH_BYTES) {
    throw new RangeError(`an address hash has ${ADDRESS_HASH_BYTES} bytes, got ${hash.length}`);
  }
  const bytes = Buffer.allocUnsafe(ADDRESS_BYTES);
  bytes[0] = version;
  bytes.set(hash, 1);
  sha256d(bytes.subarray(0, 1 + ADDRESS_HASH_BYTES)).copy(bytes, 1 + ADDRESS_HASH_BYTES, 0, 4);
  limbs[0] = version;
  for (let j = 1; j < LIMBS; j++) limbs[j] = bytes.readUInt16BE(2 * j - 1);
  // Digits are written from the end into one buffer: prepending to a string would keep each
  // address as a chain of 34 one-character pieces for as long as the caller keeps it.
  const text = Buffer.alloc(MAX_ADDRESS_CHARS, '1');
  let start = MAX_ADDRESS_CHARS;
  for (let first = leadingZeros(limbs); first < LIMBS; ) {
    let remainder = 0;
    for (let j = first; j < LIMBS; j++) {
      const value = (remainder << 16) | (limbs[j] as number);
      const quotient = (value / 58) | 0;
      limbs[j] = quotient;
      remainder = value - quotient * 58;
    }
    start -= 1;
    text[start] = BASE58_ALPHABET.charCodeAt(remainder);
    while (first < LIMBS && limbs[first] === 0) first += 1;
  }
  return text.toString('latin1', start - leadingZeros(bytes));
}

function leadingOnes(text: string): number {
  let n = 0;
  while (text.charCodeAt(n) === 0x31) n += 1;
  return n;
}

function leadingZeros(values: ArrayLike<number>): number {
  let n = 0;
  while (n < values.length && values[n] === 0) n += 1;
  return n;
}

function sha256d(data: Uint8Array): Buffer {
  return oneShotHash('sha256', oneShotHash('sha256', data, 'buffer'), 'buffer');
}
