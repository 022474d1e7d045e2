import type { ChainProfile } from '../profiles';
import { KibbleError } from '../../errors';
import { parseAddress } from '../address';
import { addressChecksumMatches, decodeBase58Address, encodeBase58Check } from '../base58-address';

/**
 * The set of the service's own addresses (deposit and change) that the block scanner tests every
 * output against. It holds 100,000+ entries and sees every output of every block, so a lookup of a
 * script that pays none of them must cost next to nothing: a shape check, one bit of a filter,
 * and no allocation. Measured on 1M P2PKH outputs against 100k entries (5% matching): hex-string
 * Map keys 850 ms, latin1-string keys 750 ms, numeric prefix Map 200 ms, bit filter in front of
 * the numeric Map 93 ms.
 */

export type WatchKind = 'deposit' | 'change';
export type WatchedScriptType = 'p2pkh' | 'p2sh';

export interface WatchOwner {
  kind: WatchKind;
  /** The donor a deposit address belongs to; change addresses have none. */
  accountId?: string;
  /** BIP32 index on the address's branch. */
  index: number;
  address: string;
}

const HASH_BYTES = 20;
const OP_DUP = 0x76;
const OP_HASH160 = 0xa9;
const OP_EQUALVERIFY = 0x88;
const OP_CHECKSIG = 0xac;
const OP_EQUAL = 0x87;
const PUSH_20 = 0x14;

/**
 * Filter size in bits grows with the entries (32 bits each: ~3% false positives) up to 2^24 bits
 * (2 MiB); past 2^22 it starts to fall out of cache, which is why it is not simply made huge.
 */
const FILTER_BITS_PER_ENTRY = 32;
const MIN_FILTER_BITS_LOG = 10;
const MAX_FILTER_BITS_LOG = 24;

interface Entry {
  /** Where the hash sits in the table's pool: one buffer for all, not 100,000 small arrays. */
  readonly at: number;
  readonly owner: WatchOwner;
  /** Next entry whose hash shares the bucket key. */
  next: Entry | undefined;
}

/** First four hash bytes as an unsigned integer: hashes are uniform, so any bits make a good key. */
function prefixAt(bytes: Uint8Array, offset: number): number {
  return (
    (((bytes[offset] as number) << 24) |
      ((bytes[offset + 1] as number) << 16) |
      ((bytes[offset + 2] as number) << 8) |
      (bytes[offset + 3] as number)) >>>
    0
  );
}

function hashEquals(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number): boolean {
  for (let i = 0; i < HASH_BYTES; i++) if (a[aAt + i] !== b[bAt + i]) return false;
  return true;
}

/**
 * 20-byte hashes to owners. Buckets are keyed by a 30-bit number (a small integer to V8, so Map
 * lookups neither hash a string nor allocate), and a full compare settles the rare shared key.
 */
class HashTable {
  readonly #buckets = new Map<number, Entry>();
  #pool = new Uint8Array(HASH_BYTES * 64);
  #filter = new Int32Array(1 << (MIN_FILTER_BITS_LOG - 5));
  #filterBitsLog = MIN_FILTER_BITS_LOG;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  find(bytes: Uint8Array, offset: number): Entry | undefined {
    const prefix = prefixAt(bytes, offset);
    const bit = prefix >>> (32 - this.#filterBitsLog);
    if (((this.#filter[bit >>> 5] as number) & (1 << (bit & 31))) === 0) return undefined;
    for (let e = this.#buckets.get(prefix >>> 2); e !== undefined; e = e.next) {
      if (hashEquals(bytes, offset, this.#pool, e.at)) return e;
    }
    return undefined;
  }

  /** Every entry with a view of its hash (valid until the next insert). */
  *entries(): Generator<{ hash: Uint8Array; owner: WatchOwner }> {
    for (const head of this.#buckets.values()) {
      for (let e: Entry | undefined = head; e !== undefined; e = e.next) {
        yield { hash: this.#pool.subarray(e.at, e.at + HASH_BYTES), owner: e.owner };
      }
    }
  }

  /** Returns the entry already holding this hash, if any, without replacing it. */
  insert(hash: Uint8Array, owner: WatchOwner): Entry | undefined {
    const existing = this.find(hash, 0);
    if (existing !== undefined) return existing;
    const at = this.#store(hash);
    const key = prefixAt(hash, 0) >>> 2;
    this.#buckets.set(key, { at, owner, next: this.#buckets.get(key) });
    this.#size += 1;
    if (this.#size * FILTER_BITS_PER_ENTRY > 2 ** this.#filterBitsLog && this.#filterBitsLog < MAX_FILTER_BITS_LOG) {
      this.#rebuildFilter(this.#filterBitsLog + 1);
    } else {
      this.#setFilterBit(hash, 0);
    }
    return undefined;
  }

  /** Copies the hash into the pool (callers often pass views into buffers it must not retain). */
  #store(hash: Uint8Array): number {
    const at = this.#size * HASH_BYTES;
    if (at + HASH_BYTES > this.#pool.length) {
      const grown = new Uint8Array(this.#pool.length * 2);
      grown.set(this.#pool);
      this.#pool = grown;
    }
    this.#pool.set(hash, at);
    return at;
  }

  #setFilterBit(bytes: Uint8Array, offset: number): void {
    const bit = prefixAt(bytes, offset) >>> (32 - this.#filterBitsLog);
    this.#filter[bit >>> 5] = (this.#filter[bit >>> 5] as number) | (1 << (bit & 31));
  }

  /** Doubling keeps the total rebuild work linear in the number of entries. */
  #rebuildFilter(bitsLog: number): void {
    this.#filterBitsLog = bitsLog;
    this.#filter = new Int32Array(1 << (bitsLog - 5));
    for (let at = 0; at < this.#size * HASH_BYTES; at += HASH_BYTES) this.#setFilterBit(this.#pool, at);
  }
}

export class WatchIndex {
  readonly #profile: ChainProfile;
  readonly #p2pkh = new HashTable();
  readonly #p2sh = new HashTable();

  constructor(profile: ChainProfile) {
    this.#profile = profile;
  }

  get size(): number {
    return this.#p2pkh.size + this.#p2sh.size;
  }

  /**
   * Watches `owner.address`. Returns false if it was already watched for an equal owner (so
   * reloading is harmless); the same address for a different owner is corrupt data and throws.
   */
  add(owner: WatchOwner): boolean {
    const { type, hash } = decodeForProfile(this.#profile, owner.address);
    return this.#insert(type, hash, plainOwner(owner, owner.address));
  }

  /** Like `add` from a raw hash; the address is computed, so the two cannot disagree. */
  addHash(type: WatchedScriptType, hash: Uint8Array, owner: Omit<WatchOwner, 'address'>): boolean {
    if (hash.length !== HASH_BYTES) {
      throw new KibbleError('internal', `a watched hash has ${HASH_BYTES} bytes, got ${hash.length}`);
    }
    const version = type === 'p2pkh' ? this.#profile.network.pubKeyHash : this.#profile.network.scriptHash;
    return this.#insert(type, hash, plainOwner(owner, encodeBase58Check(version, hash)));
  }

  /**
   * Like `addHash`, with the address given rather than computed: for entries that this index
   * decoded itself before (a snapshot of it), so a reload skips the base58 and checksum work.
   */
  addKnown(type: WatchedScriptType, hash: Uint8Array, owner: WatchOwner): boolean {
    if (hash.length !== HASH_BYTES) {
      throw new KibbleError('internal', `a watched hash has ${HASH_BYTES} bytes, got ${hash.length}`);
    }
    return this.#insert(type, hash, plainOwner(owner, owner.address));
  }

  /** Every watched hash with its script type and owner (hash views are valid until the next add). */
  *entries(): Generator<{ type: WatchedScriptType; hash: Uint8Array; owner: WatchOwner }> {
    for (const { hash, owner } of this.#p2pkh.entries()) yield { type: 'p2pkh', hash, owner };
    for (const { hash, owner } of this.#p2sh.entries()) yield { type: 'p2sh', hash, owner };
  }

  /** Returns how many were new. */
  addMany(owners: Iterable<WatchOwner>): number {
    let added = 0;
    for (const owner of owners) if (this.add(owner)) added += 1;
    return added;
  }

  /** Whether this address is watched; false for text that is no address of this chain. */
  has(address: string): boolean {
    const decoded = fastDecode(this.#profile, address);
    return decoded !== undefined && this.hasHash(decoded.type, decoded.hash);
  }

  hasHash(type: WatchedScriptType, hash: Uint8Array): boolean {
    return hash.length === HASH_BYTES && this.#table(type).find(hash, 0) !== undefined;
  }

  /** The owner a P2PKH or P2SH output script pays, or undefined (any other script included). */
  lookup(script: Uint8Array): WatchOwner | undefined {
    if (
      script.length === 25 &&
      script[0] === OP_DUP && script[1] === OP_HASH160 && script[2] === PUSH_20 &&
      script[23] === OP_EQUALVERIFY && script[24] === OP_CHECKSIG
    ) {
      return this.#p2pkh.find(script, 3)?.owner;
    }
    if (script.length === 23 && script[0] === OP_HASH160 && script[1] === PUSH_20 && script[22] === OP_EQUAL) {
      return this.#p2sh.find(script, 2)?.owner;
    }
    return undefined;
  }

  #table(type: WatchedScriptType): HashTable {
    return type === 'p2pkh' ? this.#p2pkh : this.#p2sh;
  }

  #insert(type: WatchedScriptType, hash: Uint8Array, record: WatchOwner): boolean {
    const existing = this.#table(type).insert(hash, record);
    if (existing === undefined) return true;
    if (sameOwner(existing.owner, record)) return false;
    throw new KibbleError('internal', `address ${record.address} is watched for two different owners`, {
      address: record.address,
      existing: existing.owner,
      added: record,
    });
  }
}

/**
 * A frozen copy (lookups hand out the stored record itself) without an `accountId: undefined`
 * key, so owners compare and serialize the same.
 */
function plainOwner(owner: Omit<WatchOwner, 'address'>, address: string): WatchOwner {
  const { kind, accountId, index } = owner;
  return Object.freeze(accountId === undefined ? { kind, index, address } : { kind, accountId, index, address });
}

function sameOwner(a: WatchOwner, b: WatchOwner): boolean {
  return a.kind === b.kind && a.accountId === b.accountId && a.index === b.index && a.address === b.address;
}

// --- addresses to hashes -----------------------------------------------------------------------
// The common case, a valid address of this chain, goes through the fast 25-byte codec in
// base58-address.ts. Text it does not accept is handed to parseAddress, which explains what is
// wrong with it.

function decodeForProfile(profile: ChainProfile, text: string): { type: WatchedScriptType; hash: Uint8Array } {
  return fastDecode(profile, text) ?? parseAddress(profile, text);
}

function fastDecode(profile: ChainProfile, text: string): { type: WatchedScriptType; hash: Uint8Array } | undefined {
  const bytes = decodeBase58Address(text);
  if (bytes === undefined || !addressChecksumMatches(bytes)) return undefined;
  const version = bytes[0] as number;
  const { pubKeyHash, scriptHash } = profile.network;
  const hash = bytes.subarray(1, 1 + HASH_BYTES);
  if (version === pubKeyHash) return { type: 'p2pkh', hash };
  if (version === scriptHash || profile.legacyScriptHashVersions.includes(version)) return { type: 'p2sh', hash };
  return undefined;
}
