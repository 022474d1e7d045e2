import { ScannedBlockModel, type ScannedBlock } from '../../db/scanned-block';
import { insertBuilt } from '../../db/insert-built';
import { insertOnce } from './insert-once';

/** The one owner of `scanned_blocks`: the best-chain blocks the scanner stored, by height. */

export interface ScannedBlockRow {
  height: number;
  hash: string;
  prevHash: string;
}

/** Inserts by height; blocks stored already are left as they are (a repeated batch). */
export async function insertScannedBlocks(blocks: readonly ScannedBlockRow[]): Promise<void> {
  if (blocks.length === 0) return;
  await insertOnce(() =>
    insertBuilt(
      ScannedBlockModel,
      blocks.map(({ height, hash, prevHash }): ScannedBlock => ({ _id: height, hash, prevHash })),
    ),
  );
}

/** The stored hash at this height, or undefined. */
export async function scannedBlockHash(height: number): Promise<string | undefined> {
  return (await ScannedBlockModel.findById(height, { hash: 1 }).lean())?.hash;
}

/** Every stored block's hash by height (a reorg's search for the fork point). */
export async function scannedBlockHashes(): Promise<Map<number, string>> {
  const stored = await ScannedBlockModel.find({}, { hash: 1 }).lean();
  return new Map(stored.map((block) => [block._id, block.hash]));
}

/** The stored blocks above this height (what a crashed pass may have left above its cursor). */
export async function scannedBlocksAbove(height: number): Promise<RecordedBlock[]> {
  const rows = await ScannedBlockModel.find({ _id: { $gt: height } }, { hash: 1 }).lean();
  return rows.map((row) => ({ height: row._id, hash: row.hash }));
}

/** A block some record says it was found in. */
export interface RecordedBlock {
  height: number;
  hash: string;
}

/** Forgets the blocks above a fork point. */
export async function deleteScannedBlocksAbove(height: number): Promise<void> {
  await ScannedBlockModel.deleteMany({ _id: { $gt: height } });
}
