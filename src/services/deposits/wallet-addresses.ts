import type { ChainProfile } from '../../config/chains';
import { WatchIndex } from '../../chain/watch-index';
import { isDuplicateKeyError } from '../../db/errors';
import { WalletAddressModel, type WalletAddressKind } from '../../db/wallet-address';

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
}

/**
 * The scanner's in-memory index of every registered address. Reloaded whole when the number of
 * registered addresses changed: 100,000 rows load in well under a second, and a count is cheap.
 */
export class WatchedAddresses {
  #index: WatchIndex;
  #loadedCount = -1;

  constructor(private readonly chain: ChainProfile) {
    this.#index = new WatchIndex(chain);
  }

  get index(): WatchIndex {
    return this.#index;
  }

  async refresh(): Promise<WatchIndex> {
    const count = await WalletAddressModel.countDocuments();
    if (count === this.#loadedCount) return this.#index;
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
    this.#loadedCount = rows.length;
    return index;
  }
}
