import { forEachChunk, KEY_LOOKUP_CHUNKS } from '../../db/chunks';
import { WalletSpendModel, type WalletSpend } from '../../db/wallet-spend';
import { insertBuilt } from '../../db/insert-built';
import { insertOnceInChunks } from './insert-once';
import type { RecordedBlock } from './scanned-block-store';

/** The one owner of `wallet_spends`: blocks that spent the wallet's outputs, by spent outpoint. */

export type { WalletSpend };

export interface WalletSpendRow {
  /** The wallet's spent output, `txid:vout`. */
  outpoint: string;
  spentByTxid: string;
  spentHeight: number;
  blockHash: string;
}

/** Inserts keyed by the spent outpoint: a repeated block changes nothing. As built, as insertWalletOutputs. */
export async function insertWalletSpends(spends: readonly WalletSpendRow[]): Promise<void> {
  if (spends.length === 0) return;
  const documents: WalletSpend[] = spends.map(({ outpoint, spentByTxid, spentHeight, blockHash }) => ({ _id: outpoint, spentByTxid, spentHeight, blockHash }));
  await insertOnceInChunks(documents, (chunk) => insertBuilt(WalletSpendModel, chunk));
}

/** Every recorded spent outpoint. */
export async function spentOutpoints(): Promise<Set<string>> {
  return new Set((await WalletSpendModel.find({}, { _id: 1 }).lean()).map((spend) => spend._id));
}

/** Spends recorded above this height (indexed): the spent outpoints and where, since a checkpoint. */
export async function spendsAbove(height: number): Promise<Array<{ outpoint: string; spentHeight: number }>> {
  const rows = await WalletSpendModel.find({ spentHeight: { $gt: height } }, { _id: 1, spentHeight: 1 }).lean();
  return rows.map((row) => ({ outpoint: row._id, spentHeight: row.spentHeight }));
}

/** The blocks of the spends recorded above this height. */
export async function spendBlocksAbove(height: number): Promise<RecordedBlock[]> {
  const rows = await WalletSpendModel.find({ spentHeight: { $gt: height } }, { spentHeight: 1, blockHash: 1, _id: 0 }).lean();
  return rows.map((row) => ({ height: row.spentHeight, hash: row.blockHash }));
}

/** How many spends are recorded above `from` and at or below `to` (a checkpoint writer's re-check). */
export async function countSpendsBetween(from: number, to: number): Promise<number> {
  return WalletSpendModel.countDocuments({ spentHeight: { $gt: from, $lte: to } });
}

/** The recorded spends of these outpoints, by outpoint (in chunked lookups: db/chunks.ts). */
export async function spendsOf(outpoints: readonly string[]): Promise<Map<string, WalletSpend>> {
  const spends = new Map<string, WalletSpend>();
  await forEachChunk(outpoints, KEY_LOOKUP_CHUNKS, async (chunk) => {
    for (const spend of await WalletSpendModel.find({ _id: { $in: chunk } }).lean()) spends.set(spend._id, spend);
  });
  return spends;
}

/** Forgets these spends if recorded in this block (a spend repair that raced a rollback of it). */
export async function deleteWalletSpendsIn(outpoints: readonly string[], blockHash: string): Promise<void> {
  if (outpoints.length === 0) return;
  await WalletSpendModel.deleteMany({ _id: { $in: outpoints }, blockHash });
}

/** Forgets the spends seen above a fork point. */
export async function deleteWalletSpendsAbove(height: number): Promise<void> {
  await WalletSpendModel.deleteMany({ spentHeight: { $gt: height } });
}
