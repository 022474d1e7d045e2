import { randomBytes } from 'node:crypto';
import { p2pkhAddress } from '../../../src/chain/address';
import { CHAIN_PROFILES } from '../../../src/chain/profiles';
import { WatchSnapshotModel } from '../../../src/db/watch-snapshot';
import { registerWalletAddress } from '../../../src/services/wallet-watch/wallet-addresses';
import { WatchedAddresses } from '../../../src/services/wallet-watch/watched-addresses';
import { useTestDatabase } from '../../support/database';

const chain = CHAIN_PROFILES['bcoin-regtest'];
const LONG_AGO = new Date('2026-01-01T00:00:00Z');
const NOW = new Date('2026-06-01T00:00:00Z');

describe('the scanner\'s watched addresses: snapshot and rows', () => {
  useTestDatabase();
  let nextIndex = 0;

  async function register(count: number, at: Date): Promise<string[]> {
    const addresses: string[] = [];
    for (let i = 0; i < count; i++) {
      const address = p2pkhAddress(chain, randomBytes(20));
      await registerWalletAddress({ address, kind: 'deposit', index: nextIndex, accountId: `acct-${nextIndex}` }, at);
      nextIndex += 1;
      addresses.push(address);
    }
    return addresses;
  }

  const watched = (): WatchedAddresses => new WatchedAddresses(chain, { clock: () => NOW, snapshotFrom: 10, refreshSnapshotAfter: 5 });

  it('reads the rows the first time and writes a snapshot; a restart loads that snapshot', async () => {
    const first = await register(20, LONG_AGO);
    const starting = watched();
    const index = await starting.refresh();
    expect(starting.lastLoad).toEqual({ from: 'rows', addresses: 20, wroteSnapshot: true });
    expect(first.every((address) => index.has(address))).toBe(true);

    const restarted = watched();
    const again = await restarted.refresh();
    expect(restarted.lastLoad).toEqual({ from: 'snapshot', addresses: 20, addedSinceSnapshot: 0, wroteSnapshot: false });
    expect(first.every((address) => again.has(address))).toBe(true);
  });

  it('adds the rows stored since the snapshot, and rewrites it once they are many', async () => {
    const few = await register(2, NOW);
    const loading = watched();
    const index = await loading.refresh();
    expect(loading.lastLoad).toEqual({ from: 'snapshot', addresses: 22, addedSinceSnapshot: 2, wroteSnapshot: false });
    expect(few.every((address) => index.has(address))).toBe(true);

    await register(4, NOW);
    const later = watched();
    await later.refresh();
    expect(later.lastLoad).toEqual({ from: 'snapshot', addresses: 26, addedSinceSnapshot: 6, wroteSnapshot: true });
    const afterRewrite = watched();
    await afterRewrite.refresh();
    // Rows created within the clock margin before the new snapshot are read again, but are no news.
    expect(afterRewrite.lastLoad).toEqual({ from: 'snapshot', addresses: 26, addedSinceSnapshot: 0, wroteSnapshot: false });
  });

  it('reads every row when a row older than the snapshot appears after it (another instance\'s clock)', async () => {
    const [skewed] = await register(1, LONG_AGO);
    const loading = watched();
    const index = await loading.refresh();
    expect(loading.lastLoad).toEqual({ from: 'rows', addresses: 27, wroteSnapshot: true });
    expect(index.has(skewed as string)).toBe(true);
  });

  it('reads every row when the snapshot is corrupt or incomplete', async () => {
    const part = await WatchSnapshotModel.findOne({ _id: { $ne: 'head' } }).lean();
    expect(part).not.toBeNull();
    await WatchSnapshotModel.updateOne({ _id: part?._id }, { $set: { entries: Buffer.from([9, 9, 9]) } });
    const corrupt = watched();
    expect((await corrupt.refresh()).size).toBe(27);
    expect(corrupt.lastLoad).toMatchObject({ from: 'rows', addresses: 27 });

    await WatchSnapshotModel.deleteOne({ _id: { $ne: 'head' } });
    const incomplete = watched();
    expect((await incomplete.refresh()).size).toBe(27);
    expect(incomplete.lastLoad).toMatchObject({ from: 'rows', addresses: 27 });
  });
});
