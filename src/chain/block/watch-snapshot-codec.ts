import { KibbleError } from '../../errors';
import type { WatchIndex, WatchKind, WatchedScriptType } from './watch-index';

/**
 * A WatchIndex as bytes, so that a scanner's cold start reads a few binary documents and inserts
 * hashes directly, instead of reading and base58-decoding 100,000 addresses one by one. One
 * record per address, all fields length-prefixed or fixed:
 *   type u8 (0 p2pkh, 1 p2sh) | hash 20 | kind u8 (0 deposit, 1 change) | index u32 BE |
 *   address length u8 | address (latin1) | account length u8 | account id (latin1, may be empty)
 */

const HASH_BYTES = 20;
const TYPES: readonly WatchedScriptType[] = ['p2pkh', 'p2sh'];
const KINDS: readonly WatchKind[] = ['deposit', 'change'];
const MAX_TEXT = 255;

/** The index's entries in parts of at most `perPart` records each. */
export function encodeWatchSnapshot(index: WatchIndex, perPart: number): Buffer[] {
  const parts: Buffer[] = [];
  let records: Buffer[] = [];
  for (const { type, hash, owner } of index.entries()) {
    const account = owner.accountId ?? '';
    if (owner.address.length > MAX_TEXT || account.length > MAX_TEXT) {
      throw new KibbleError('internal', `watched address ${owner.address} has a field too long for a snapshot`);
    }
    const record = Buffer.allocUnsafe(1 + HASH_BYTES + 1 + 4 + 1 + owner.address.length + 1 + account.length);
    let at = record.writeUInt8(TYPES.indexOf(type), 0);
    record.set(hash, at);
    at = record.writeUInt8(KINDS.indexOf(owner.kind), at + HASH_BYTES);
    at = record.writeUInt32BE(owner.index, at);
    at = record.writeUInt8(owner.address.length, at);
    at += record.write(owner.address, at, 'latin1');
    at = record.writeUInt8(account.length, at);
    record.write(account, at, 'latin1');
    records.push(record);
    if (records.length === perPart) {
      parts.push(Buffer.concat(records));
      records = [];
    }
  }
  if (records.length > 0) parts.push(Buffer.concat(records));
  return parts;
}

/** Adds every record of one part to `index`; returns how many records it held. */
export function decodeWatchSnapshotPart(bytes: Uint8Array, index: WatchIndex): number {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  let records = 0;
  const text = (): string => {
    const length = buffer.readUInt8(at);
    const value = buffer.toString('latin1', at + 1, at + 1 + length);
    if (at + 1 + length > buffer.length) throw corrupt();
    at += 1 + length;
    return value;
  };
  while (at < buffer.length) {
    const type = TYPES[buffer.readUInt8(at)];
    const hash = buffer.subarray(at + 1, at + 1 + HASH_BYTES);
    const kind = KINDS[buffer.readUInt8(at + 1 + HASH_BYTES)];
    const addressIndex = buffer.readUInt32BE(at + 2 + HASH_BYTES);
    if (type === undefined || kind === undefined || hash.length !== HASH_BYTES) throw corrupt();
    at += 2 + HASH_BYTES + 4;
    const address = text();
    const accountId = text();
    index.addKnown(type, hash, accountId === '' ? { kind, index: addressIndex, address } : { kind, index: addressIndex, address, accountId });
    records += 1;
  }
  return records;
}

function corrupt(): KibbleError {
  return new KibbleError('internal', 'a watch snapshot part is corrupt');
}
