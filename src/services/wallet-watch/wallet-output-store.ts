import { WalletOutputModel, type WalletOutput } from '../../db/wallet-output';
import { insertBuilt } from '../../db/insert-built';
import { insertOnceInChunks } from './insert-once';
import type { RecordedBlock } from './scanned-block-store';

/**
 * The one owner of `wallet_outputs`: outputs on chain paying the service's addresses, keyed
 * `txid:vout`. Spends are kept apart (wallet-spend-store.ts); wallet-view.ts combines the two.
 */

export type { WalletOutput };

export interface WalletOutputRow {
  outpoint: string;
  txid: string;
  vout: number;
  address: string;
  kind: WalletOutput['kind'];
  addressIndex: number;
  amount: bigint;
  coinbase: boolean;
  blockHash: string;
  blockHeight: number;
}

/**
 * Inserts by outpoint; false when some existed already (the others are inserted all the same).
 * Inserts complete documents as built (see insertDeposits: mongoose's per-document casting costs
 * the scanner more CPU than the insert itself).
 */
export async function insertWalletOutputs(rows: readonly WalletOutputRow[]): Promise<boolean> {
  if (rows.length === 0) return true;
  const documents: WalletOutput[] = rows.map(({ outpoint, ...row }) => ({ _id: outpoint, ...row, status: 'unspent' }));
  return insertOnceInChunks(documents, (chunk) => insertBuilt(WalletOutputModel, chunk));
}

/**
 * Outputs seen before in a block that was orphaned since are back in the best chain, in this
 * block. Moves only orphaned ones: a no-op for outputs that never left.
 */
export async function returnOrphanedWalletOutputs(rows: ReadonlyArray<Pick<WalletOutputRow, 'outpoint' | 'blockHash' | 'blockHeight'>>): Promise<void> {
  for (const { outpoint, blockHash, blockHeight } of rows) {
    await WalletOutputModel.updateOne({ _id: outpoint, status: 'orphaned' }, { $set: { status: 'unspent', blockHash, blockHeight } });
  }
}

/** Outputs in the best chain (spent or not: subtract wallet_spends). */
export async function walletOutputsInBestChain(): Promise<WalletOutput[]> {
  return WalletOutputModel.find({ status: 'unspent' }).lean();
}

/** Outputs in the best chain received above this height (spent or not): what came since a checkpoint (indexed by height). */
export async function walletOutputsAbove(height: number): Promise<WalletOutput[]> {
  return WalletOutputModel.find({ blockHeight: { $gt: height }, status: 'unspent' }).lean();
}

/** The blocks of the outputs in the best chain received above this height. */
export async function walletOutputBlocksAbove(height: number): Promise<RecordedBlock[]> {
  const rows = await WalletOutputModel.find({ blockHeight: { $gt: height }, status: 'unspent' }, { blockHeight: 1, blockHash: 1, _id: 0 }).lean();
  return rows.map((row) => ({ height: row.blockHeight, hash: row.blockHash }));
}

/** The outpoints of those, alone (the scanner's view). */
export async function walletOutpointsInBestChain(): Promise<string[]> {
  return (await WalletOutputModel.find({ status: 'unspent' }, { _id: 1 }).lean()).map((row) => row._id);
}

/** Which of these outpoints are in the best chain (spent or not). */
export async function inBestChainAmong(outpoints: readonly string[]): Promise<Set<string>> {
  if (outpoints.length === 0) return new Set();
  const rows = await WalletOutputModel.find({ _id: { $in: outpoints }, status: 'unspent' }, { _id: 1 }).lean();
  return new Set(rows.map((row) => row._id));
}

/** The block each of these outpoints was received in, for those in the best chain (PSBTs need the previous transactions). */
export async function blockHashesOf(outpoints: readonly string[]): Promise<Map<string, string>> {
  if (outpoints.length === 0) return new Map();
  const rows = await WalletOutputModel.find({ _id: { $in: outpoints }, status: 'unspent' }, { _id: 1, blockHash: 1 }).lean();
  return new Map(rows.map((row) => [row._id, row.blockHash]));
}

/** Marks the outputs received above a fork point orphaned. */
export async function orphanWalletOutputsAbove(height: number): Promise<void> {
  await WalletOutputModel.updateMany({ blockHeight: { $gt: height }, status: { $ne: 'orphaned' } }, { $set: { status: 'orphaned' } });
}
