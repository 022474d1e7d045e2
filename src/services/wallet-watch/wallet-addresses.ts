import type { ChainProfile } from '../../chain/profiles';
import { WatchIndex } from '../../chain/block/watch-index';
import { isDuplicateKeyError } from '../../db/errors';
import { WalletAddressModel, type WalletAddressKind } from '../../db/wallet-address';
import { bumpWalletAddressesVersion, walletAddressesVersion } from './address-counters';

export interface NewWalletAddress {
  address: string;
  kind: WalletAddressKind;
  index: number;
  accountId?: string;
}

/** Records an address of the service's tree; recording it again changes nothing. */
export async function registerWalletAddress(entry: NewWalletAddress, at: Date): Promise<void> {
  try {
    await WalletAddressModel.create({ _id: entry.address, kind: entry.kind, index: entry.index, accountId: entry.accountId, createdAt: at });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  await bumpWalletAddressesVersion();
}

/** Whether this address is one of the service's own (deposit or change). */
export async function isWalletAddress(address: string): Promise<boolean> {
  return (await WalletAddressModel.exists({ _id: address })) !== null;
}

/** The highest change index stored, or undefined when there is none yet. */
export async function lastChangeIndex(): Promise<number | undefined> {
  const last = await WalletAddressModel.findOne({ kind: 'change' }, { index: 1 }).sort({ index: -1 }).lean();
  return last?.index;
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
    const version = await walletAddressesVersion();
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
