import type { ChainProfile } from '../../chain/profiles';
import { WatchIndex } from '../../chain/block/watch-index';
import { CounterModel } from '../../db/counter';
import { isDuplicateKeyError } from '../../db/errors';
import { WalletAddressModel, type WalletAddressKind } from '../../db/wallet-address';

export interface NewWalletAddress {
  address: string;
  kind: WalletAddressKind;
  index: number;
  accountId?: string;
}

/**
 * Bumped after every new address. The scanner reads it by `_id` (cheap everywhere) to learn that
 * its index is stale; a count over 100,000 documents costs seconds on FerretDB. Increments may be
 * lost under concurrency there, but the value still changes, and every address whose bump was
 * read is already inserted, so a reload after a change sees them all.
 */
const WALLET_ADDRESSES_VERSION = 'walletAddressesVersion';

/** Records an address of the service's tree; recording it again changes nothing. */
export async function registerWalletAddress(entry: NewWalletAddress, at: Date): Promise<void> {
  try {
    await WalletAddressModel.create({ _id: entry.address, kind: entry.kind, index: entry.index, accountId: entry.accountId, createdAt: at });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  await bumpWalletAddressesVersion();
}

/** For bulk loads that insert addresses directly (benchmarks, imports). */
export async function bumpWalletAddressesVersion(): Promise<void> {
  await CounterModel.updateOne({ _id: WALLET_ADDRESSES_VERSION }, { $inc: { next: 1 } }, { upsert: true }).catch((error: unknown) => {
    if (!isDuplicateKeyError(error)) throw error; // two first-ever upserts raced: it exists now
  });
}

/**
 * The scanner's in-memory index of every registered address, reloaded whole when the version
 * counter moved (100,000 rows load in well under a second on MongoDB).
 */
export class WatchedAddresses {
  #index: WatchIndex;
  #loadedVersion: number | undefined = undefined;
  #loaded = false;

  constructor(private readonly chain: ChainProfile) {
    this.#index = new WatchIndex(chain);
  }

  get index(): WatchIndex {
    return this.#index;
  }

  /** The next refresh reloads every address, whatever the version counter says. */
  forget(): void {
    this.#loaded = false;
  }

  async refresh(): Promise<WatchIndex> {
    const version = (await CounterModel.findById(WALLET_ADDRESSES_VERSION).lean())?.next;
    if (this.#loaded && version === this.#loadedVersion) return this.#index;
    const rows = await WalletAddressModel.find({}, { kind: 1, index: 1, accountId: 1 }).lean();
    const index = new WatchIndex(this.chain);
    index.addMany(
      rows.map((row) => ({
        address: row._id,
        kind: row.kind,
        index: row.index,
        ...(row.accountId ? { accountId: row.accountId } : {}),
      })),
    );
    this.#index = index;
    this.#loadedVersion = version;
    this.#loaded = true;
    return index;
  }
}
