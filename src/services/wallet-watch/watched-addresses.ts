import type { ChainProfile } from '../../chain/profiles';
import { WatchIndex } from '../../chain/block/watch-index';
import { decodeWatchSnapshotPart, encodeWatchSnapshot } from '../../chain/block/watch-snapshot-codec';
import { walletAddressesVersion } from './address-counters';
import { allWalletAddresses, countWalletAddresses, walletAddressesCreatedSince } from './wallet-addresses';
import { readWatchSnapshot, writeWatchSnapshot } from './watch-snapshot-store';

export interface WatchedAddressesOptions {
  /** The scanner's clock: when a snapshot's addresses were read. */
  clock?: () => Date;
  /** Snapshots are written from this many addresses on (fewer load fast enough row by row). */
  snapshotFrom?: number;
  /** Addresses added since the snapshot past which a load writes a fresh one. */
  refreshSnapshotAfter?: number;
}

/**
 * Addresses whose creation time (their registering process's clock) is this much before the
 * snapshot's are read too: clocks of instances differ. Only a matter of speed: a load that misses
 * one does not add up to the count and reads every row.
 */
const CLOCK_MARGIN_MS = 10 * 60_000;
const SNAPSHOT_PART_RECORDS = 20_000;
const DEFAULT_SNAPSHOT_FROM = 1_000;
const DEFAULT_REFRESH_AFTER = 1_000;

/**
 * The scanner's in-memory index of every registered address, reloaded whole when the version
 * counter moved. A cold start reads the snapshot (a few binary documents, no base58 decoding);
 * if the version counter moved since it was written, it also reads the rows added since, and
 * accepts the result only if it holds exactly as many addresses as wallet_addresses (rows are
 * never deleted, and the index holds only stored rows, so equal counts mean equal sets);
 * otherwise it reads every row, as it did before snapshots, and writes a fresh snapshot. Reading 100,000 rows took 10 s on DocumentDB; the snapshot a fraction of that.
 */
export class WatchedAddresses {
  #index: WatchIndex;
  #loadedVersion: number | undefined = undefined;
  #loaded = false;
  readonly #clock: () => Date;
  readonly #snapshotFrom: number;
  readonly #refreshAfter: number;
  /** How the last load went, for logs, tests and the bench. */
  lastLoad: { from: 'snapshot' | 'rows'; addresses: number; addedSinceSnapshot?: number; wroteSnapshot: boolean } | undefined;

  constructor(
    private readonly chain: ChainProfile,
    options: WatchedAddressesOptions = {},
  ) {
    this.#index = new WatchIndex(chain);
    this.#clock = options.clock ?? (() => new Date());
    this.#snapshotFrom = options.snapshotFrom ?? DEFAULT_SNAPSHOT_FROM;
    this.#refreshAfter = options.refreshSnapshotAfter ?? DEFAULT_REFRESH_AFTER;
  }

  get index(): WatchIndex {
    return this.#index;
  }

  /** The next refresh reloads every address, whatever the version counter says. */
  forget(): void {
    this.#loaded = false;
  }

  async refresh(): Promise<WatchIndex> {
    const version = await walletAddressesVersion();
    if (this.#loaded && version === this.#loadedVersion) return this.#index;
    const startedAt = this.#clock();
    const fromSnapshot = await this.#loadFromSnapshot(version);
    const index = fromSnapshot?.index ?? (await this.#loadAllRows());
    const stale = fromSnapshot === undefined || fromSnapshot.added > this.#refreshAfter;
    const wroteSnapshot = stale && index.size >= this.#snapshotFrom;
    if (wroteSnapshot) {
      const parts = encodeWatchSnapshot(index, SNAPSHOT_PART_RECORDS);
      const counts = parts.map((_, i) => Math.min(SNAPSHOT_PART_RECORDS, index.size - i * SNAPSHOT_PART_RECORDS));
      await writeWatchSnapshot(parts, counts, startedAt, version);
    }
    this.lastLoad = {
      from: fromSnapshot ? 'snapshot' : 'rows',
      addresses: index.size,
      ...(fromSnapshot ? { addedSinceSnapshot: fromSnapshot.added } : {}),
      wroteSnapshot,
    };
    this.#index = index;
    this.#loadedVersion = version;
    this.#loaded = true;
    return index;
  }

  async #loadAllRows(): Promise<WatchIndex> {
    const index = new WatchIndex(this.chain);
    index.addMany(await allWalletAddresses());
    return index;
  }

  /** Undefined when there is no usable snapshot or it does not add up to the stored rows. */
  async #loadFromSnapshot(version: number | undefined): Promise<{ index: WatchIndex; added: number } | undefined> {
    const snapshot = await readWatchSnapshot();
    if (snapshot === undefined) return undefined;
    const index = new WatchIndex(this.chain);
    try {
      let records = 0;
      for (const part of snapshot.parts) records += decodeWatchSnapshotPart(part, index);
      if (records !== snapshot.count) return undefined;
    } catch {
      return undefined; // corrupt, or not of this chain's shape: the rows are the truth
    }
    // No address registered since the snapshot's rows were read: every registration bumps the
    // version after its insert (the same signal that decides whether to reload at all). This
    // spares the two reads below, which FerretDB answers by reading every row.
    if (version !== undefined && snapshot.version === version) return { index, added: 0 };
    const recent = await walletAddressesCreatedSince(new Date(snapshot.takenAt.getTime() - CLOCK_MARGIN_MS));
    let added: number;
    try {
      added = index.addMany(recent); // those within the margin that the snapshot has are no news
    } catch {
      return undefined; // a row disagrees with the snapshot: read the rows, which say it again if corrupt
    }
    // Counted after both reads: an address stored meanwhile makes the count larger, never equal.
    if (index.size !== (await countWalletAddresses())) return undefined;
    return { index, added };
  }
}
