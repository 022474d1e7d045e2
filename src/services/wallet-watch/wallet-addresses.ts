import { isDuplicateKeyError } from '../../db/errors';
import { WalletAddressModel, type WalletAddressKind } from '../../db/wallet-address';
import { bumpWalletAddressesVersion } from './address-counters';

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

export interface WatchedAddressRow {
  address: string;
  kind: WalletAddressKind;
  index: number;
  accountId?: string;
}

/** Every address of the service. */
export async function allWalletAddresses(): Promise<WatchedAddressRow[]> {
  return toRows(await WalletAddressModel.find({}, { kind: 1, index: 1, accountId: 1 }).lean());
}

/** The addresses stored with a creation time at or after `since`. */
export async function walletAddressesCreatedSince(since: Date): Promise<WatchedAddressRow[]> {
  return toRows(await WalletAddressModel.find({ createdAt: { $gte: since } }, { kind: 1, index: 1, accountId: 1 }).lean());
}

/** How many addresses the service has. */
export async function countWalletAddresses(): Promise<number> {
  return WalletAddressModel.countDocuments({});
}

function toRows(rows: ReadonlyArray<{ _id: string; kind: WalletAddressKind; index: number; accountId?: string | null }>): WatchedAddressRow[] {
  return rows.map((row) => ({ address: row._id, kind: row.kind, index: row.index, ...(row.accountId ? { accountId: row.accountId } : {}) }));
}
