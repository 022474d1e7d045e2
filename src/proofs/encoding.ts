import { hash } from 'node:crypto';
import { KibbleError } from '../errors';
import { parsePeriod } from '../money/period';

/**
 * The byte encodings every proof hash is made of (docs/proofs.md, "Encodings"). Each one is either
 * fixed-length or length-prefixed, so a concatenation of them can be split back into its fields in
 * exactly one way: two different field lists never produce the same bytes.
 */

/** Identifiers (accounts, creators, snapshots): printable ASCII without spaces, 1 to 64 characters. */
export const IDENTIFIER = /^[\x21-\x7e]{1,64}$/;
export const UINT32_MAX = 0xffff_ffff;
export const UINT64_MAX = (1n << 64n) - 1n;
export const UINT128_MAX = (1n << 128n) - 1n;

/**
 * Digests are kept in shared 64 KiB slabs: a month's tree holds millions of 32-byte hashes, and
 * one ArrayBuffer each made the garbage collector, not the hashing, the cost of a large tree.
 */
const SLAB_BYTES = 64 * 1024;
let slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
let slabUsed = 0;

/** A digest given as a 'binary' string (cheaper to get than a Buffer each), copied into the slab. */
function kept(digest: string): Uint8Array {
  if (slabUsed + digest.length > SLAB_BYTES) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = slab.subarray(slabUsed, slabUsed + digest.length);
  out.write(digest, 'latin1');
  slabUsed += digest.length;
  return out;
}

/** One-shot hashing (crypto.hash): cheaper than a Hash object per call, at a million leaves a month. */
export function sha256(...parts: readonly Uint8Array[]): Uint8Array {
  const message = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
  return kept(hash('sha256', message, 'binary'));
}

const tagPrefixes = new Map<string, Buffer>();

/** SHA256(tag) || SHA256(tag): the 64 bytes every tagged hash of `tag` starts with. */
export function tagPrefix(tag: string): Buffer {
  let prefix = tagPrefixes.get(tag);
  if (prefix === undefined) {
    const tagHash = hash('sha256', Buffer.from(tag, 'utf8'), 'buffer');
    prefix = Buffer.concat([tagHash, tagHash]);
    tagPrefixes.set(tag, prefix);
  }
  return prefix;
}

/**
 * BIP-340's tagged hash: SHA256(SHA256(tag) || SHA256(tag) || message). Each kind of hash (leaf,
 * inner node, root, donor commitment) has its own tag, so a value of one kind can never be passed
 * off as another: an inner node is not a leaf, whatever bytes anyone picks.
 */
export function taggedHash(tag: string, ...parts: readonly Uint8Array[]): Uint8Array {
  return sha256(tagPrefix(tag), ...parts);
}

export function uint32le(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0 || value > UINT32_MAX) {
    throw new KibbleError('tree-invalid', `${value} does not fit an unsigned 32-bit integer`);
  }
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

/** Little-endian, as Bitcoin writes amounts; `width` bytes (8 for u64, 16 for u128). */
export function uintLe(value: bigint, width: 8 | 16): Uint8Array {
  const max = width === 8 ? UINT64_MAX : UINT128_MAX;
  if (value < 0n || value > max) {
    throw new KibbleError('tree-invalid', `${value} does not fit an unsigned ${width * 8}-bit integer`);
  }
  const bytes = Buffer.allocUnsafe(width); // every byte is written below
  bytes.writeBigUInt64LE(value & UINT64_MAX, 0);
  if (width === 16) bytes.writeBigUInt64LE(value >> 64n, 8);
  return bytes;
}

/** One length byte, then the ASCII bytes of an identifier (see IDENTIFIER). */
export function identifierBytes(what: string, value: string): Uint8Array {
  const bytes = Buffer.allocUnsafe(1 + value.length);
  writeIdentifier(bytes, 0, what, value);
  return bytes;
}

/** Writes identifierBytes(what, value) at `offset` (room for 65 bytes needed); returns the offset after it. */
export function writeIdentifier(out: Buffer, offset: number, what: string, value: string): number {
  if (!IDENTIFIER.test(value)) {
    throw new KibbleError('tree-invalid', `${what} must be 1 to 64 printable ASCII characters without spaces, got ${JSON.stringify(value.slice(0, 80))}`);
  }
  out[offset] = value.length;
  return offset + 1 + out.write(value, offset + 1, 'ascii');
}

/** The 7 ASCII bytes of a period 'YYYY-MM' (fixed length). */
export function periodBytes(period: string): Uint8Array {
  return Buffer.from(parsePeriod(period), 'ascii');
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

/** Lower-case hex of exactly `length` bytes, else a proof-invalid error naming `what`. */
export function fromHex(what: string, hex: string, length: number): Uint8Array {
  if (hex.length !== length * 2 || !/^[0-9a-f]*$/.test(hex)) {
    throw new KibbleError('proof-invalid', `${what} must be ${length * 2} lower-case hex characters`);
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * The leaf order of every tree: by hash, byte-wise ascending (compared as hex text, which orders
 * the same and is far cheaper than a native call per comparison). `onDuplicate` is called with
 * the second of two equal leaves and must throw.
 */
export function sortByHash<T extends { hash: Uint8Array }>(items: readonly T[], onDuplicate: (item: T) => never): T[] {
  const keyed = items.map((item) => ({ item, key: toHex(item.hash) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (let i = 1; i < keyed.length; i++) {
    if ((keyed[i] as { key: string }).key === (keyed[i - 1] as { key: string }).key) onDuplicate((keyed[i] as { item: T }).item);
  }
  return keyed.map(({ item }) => item);
}
