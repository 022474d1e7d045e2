import { randomBytes } from 'node:crypto';
import { p2pkhAddress, p2shAddress } from '../../../src/chain/address';
import { WatchIndex, type WatchOwner } from '../../../src/chain/block/watch-index';
import { decodeWatchSnapshotPart, encodeWatchSnapshot } from '../../../src/chain/block/watch-snapshot-codec';
import { CHAIN_PROFILES } from '../../../src/chain/profiles';

const profile = CHAIN_PROFILES['bcoin-regtest'];

function owners(count: number): WatchOwner[] {
  return Array.from({ length: count }, (_, i) => {
    const hash = randomBytes(20);
    if (i % 5 === 4) return { kind: 'change', index: i, address: p2pkhAddress(profile, hash) };
    if (i % 7 === 6) return { kind: 'deposit', index: i, accountId: `acct-${i}`, address: p2shAddress(profile, hash) };
    return { kind: 'deposit', index: 2 ** 32 - 1 - i, accountId: randomBytes(12).toString('hex'), address: p2pkhAddress(profile, hash) };
  });
}

function sortedOwners(index: WatchIndex): WatchOwner[] {
  return [...index.entries()].map((entry) => entry.owner).sort((a, b) => (a.address < b.address ? -1 : 1));
}

describe('watch snapshot codec', () => {
  it('gives back the same index, part by part, without decoding an address', () => {
    const original = new WatchIndex(profile);
    original.addMany(owners(1_000));
    const parts = encodeWatchSnapshot(original, 300);
    expect(parts).toHaveLength(4);

    const copy = new WatchIndex(profile);
    const records = parts.reduce((sum, part) => sum + decodeWatchSnapshotPart(part, copy), 0);
    expect(records).toBe(1_000);
    expect(copy.size).toBe(1_000);
    expect(sortedOwners(copy)).toEqual(sortedOwners(original));
    for (const owner of original.entries()) {
      expect(copy.has(owner.owner.address)).toBe(true);
    }
  });

  it('keeps an owner without an account without one', () => {
    const original = new WatchIndex(profile);
    const change: WatchOwner = { kind: 'change', index: 3, address: p2pkhAddress(profile, randomBytes(20)) };
    original.add(change);
    const copy = new WatchIndex(profile);
    decodeWatchSnapshotPart(encodeWatchSnapshot(original, 10)[0] as Buffer, copy);
    expect([...copy.entries()].map((entry) => entry.owner)).toEqual([change]);
  });

  it('encodes an empty index as no parts', () => {
    expect(encodeWatchSnapshot(new WatchIndex(profile), 10)).toEqual([]);
  });

  it('throws on a truncated or mangled part rather than loading part of it', () => {
    const original = new WatchIndex(profile);
    original.addMany(owners(3));
    const [part] = encodeWatchSnapshot(original, 10) as [Buffer];
    expect(() => decodeWatchSnapshotPart(part.subarray(0, part.length - 5), new WatchIndex(profile))).toThrow();
    const badType = Buffer.from(part);
    badType[0] = 7;
    expect(() => decodeWatchSnapshotPart(badType, new WatchIndex(profile))).toThrow();
  });
});
