import { ChainCursorModel } from '../../db/chain-cursor';

/** The one owner of `chain_cursors`: where the deposit scanner stands on each chain. */

export interface ChainCursor {
  height: number;
  hash: string;
}

export interface StoredChainCursor extends ChainCursor {
  /** A rollback of the records above this height started and has not finished (markRollBack). */
  rollingBackAbove?: number;
}

/** The stored cursor of this chain, or undefined before the scanner's first pass. */
export async function readChainCursor(chainName: string): Promise<StoredChainCursor | undefined> {
  const stored = await ChainCursorModel.findById(chainName, { height: 1, hash: 1, rollingBackAbove: 1 }).lean();
  if (stored === null) return undefined;
  return { height: stored.height, hash: stored.hash, ...(stored.rollingBackAbove == null ? {} : { rollingBackAbove: stored.rollingBackAbove }) };
}

/**
 * Stores `start` unless a cursor exists already (two first passes may race), and returns the
 * cursor that is stored afterwards, whichever won.
 */
export async function createChainCursorOnce(chainName: string, start: ChainCursor, at: Date): Promise<ChainCursor> {
  await ChainCursorModel.updateOne({ _id: chainName }, { $setOnInsert: { height: start.height, hash: start.hash, updatedAt: at } }, { upsert: true });
  return (await readChainCursor(chainName)) ?? start;
}

/**
 * Moves the cursor from `from` to `to`, only if it is still at `from`. Answers whether it moved:
 * false means another writer moved it meanwhile.
 */
export async function moveChainCursor(chainName: string, from: ChainCursor, to: ChainCursor, at: Date): Promise<boolean> {
  const result = await ChainCursorModel.updateOne({ _id: chainName, height: from.height, hash: from.hash }, { $set: { height: to.height, hash: to.hash, updatedAt: at } });
  return result.matchedCount === 1;
}

/** Puts the cursor back at a fork point after a reorg's rollback (wherever it stood); the rollback is done. */
export async function resetChainCursor(chainName: string, to: ChainCursor, at: Date): Promise<void> {
  await ChainCursorModel.updateOne({ _id: chainName }, { $set: { height: to.height, hash: to.hash, updatedAt: at }, $unset: { rollingBackAbove: 1 } });
}

/**
 * Notes that a rollback of the records above `height` starts (kept at the lowest such height when
 * one is noted already). Cleared by resetChainCursor or rollBackDone once every record is rolled back.
 */
export async function markRollBack(chainName: string, height: number): Promise<void> {
  await ChainCursorModel.updateOne({ _id: chainName }, { $min: { rollingBackAbove: height } });
}

/** The rollback above `height` is done and the cursor needs no reset (it is at or below that height). */
export async function rollBackDone(chainName: string, height: number): Promise<void> {
  await ChainCursorModel.updateOne({ _id: chainName, rollingBackAbove: height }, { $unset: { rollingBackAbove: 1 } });
}

/** The scanner's height for the operator's pages, or undefined before its first pass. */
export async function scannerHeight(chainName: string): Promise<number | undefined> {
  return (await readChainCursor(chainName))?.height;
}
