import type { ChainRpc } from '../../node/rpc-client';
import { findForkHeight } from '../../chain/block/fork-point';
import { markRollBack, resetChainCursor, rollBackDone, type ChainCursor, type StoredChainCursor } from './chain-cursor-store';
import { orphanDeposits } from './crediting';
import { liveDepositBlocksAbove, liveDepositsAbove } from './deposit-store';
import { deleteScannedBlocksAbove, scannedBlockHash, scannedBlockHashes, scannedBlocksAbove, type RecordedBlock } from './scanned-block-store';
import { dropCheckpointFrom } from './wallet-checkpoint-store';
import { orphanWalletOutputsAbove, walletOutputBlocksAbove } from './wallet-output-store';
import { deleteWalletSpendsAbove, spendBlocksAbove } from './wallet-spend-store';

/**
 * Undoes what the scanner recorded above the fork point with the node's best chain: deposits
 * there are orphaned (their credits reversed), outputs received there are orphaned, spends seen
 * there are forgotten, and the cursor moves back so the new chain is scanned. Each step is a
 * repeatable update keyed by height. The rollback is noted on the cursor before its first write
 * and cleared with the cursor's reset, so a crash in the middle is finished by the next pass even
 * if by then the node is back on the chain the scanner had (finishInterruptedRollBack). The
 * wallet's checkpoint above the fork point goes first (wallet-checkpoint.ts): it holds outputs
 * of the orphaned blocks.
 */
export async function rollBackToForkPoint(chainName: string, rpc: ChainRpc, fromHeight: number, at: Date, hooks: RollBackHooks = {}): Promise<{ forkHeight: number; forkHash: string }> {
  const storedHashes = await scannedBlockHashes();
  let lowest = fromHeight;
  for (const height of storedHashes.keys()) lowest = Math.min(lowest, height);
  const forkHeight = await findForkHeight(
    (height) => storedHashes.get(height),
    (height) => rpc.getBlockHash(height).catch(() => undefined),
    fromHeight,
    lowest,
  );
  const forkHash = storedHashes.get(forkHeight) ?? (await rpc.getBlockHash(forkHeight));
  await markRollBack(chainName, forkHeight);
  await rollBackAbove(forkHeight, at, hooks);
  await hooks.rolledBack?.(forkHeight);
  await resetChainCursor(chainName, { height: forkHeight, hash: forkHash }, at);
  return { forkHeight, forkHash };
}

/** Where crash tests stop a rollback part-way (or race tests let another instance in). */
export interface RollBackHooks {
  /** The deposits' reversal journals are written; their statuses are next. With the height rolled back above. */
  reversalsWritten?: (aboveHeight: number) => void | Promise<void>;
  /** Every record above that height is rolled back; the cursor's reset is next. */
  rolledBack?: (aboveHeight: number) => void | Promise<void>;
}

export async function rollBackAbove(height: number, at: Date, hooks: RollBackHooks = {}): Promise<void> {
  await dropCheckpointFrom(height + 1);
  // The scanned blocks before the spends: the settlement's spend repair writes spends only in a
  // block still stored, and checks again after its write (spend-repair.ts).
  await deleteScannedBlocksAbove(height);
  await orphanDeposits(await liveDepositsAbove(height), at, { reversalsWritten: () => hooks.reversalsWritten?.(height) });
  await deleteWalletSpendsAbove(height);
  await orphanWalletOutputsAbove(height);
}

/**
 * A pass that stopped between a batch's writes and its cursor move (a crash, a lost lease) left
 * records above the cursor. The next pass normally writes the same blocks again, a no-op. But if
 * the chain reorganised in between, those records are of blocks that left the best chain, and the
 * next pass never meets them: the cursor's own block is unchanged, so no reorg shows there, and
 * its inserts by key leave the old records as they are. So a scanner that (re)loads its view
 * checks every block a record above the cursor names against the node, and rolls back from the
 * lowest one the node no longer has at that height. Answers that height, or undefined when every
 * record is of the best chain (or there are none: the usual case, four indexed reads).
 */
export async function rollBackStaleAbove(chainName: string, cursorHeight: number, rpc: Pick<ChainRpc, 'getBlockHashes'>, at: Date): Promise<number | undefined> {
  const recorded = await blocksRecordedAbove(cursorHeight);
  if (recorded.size === 0) return undefined;
  const heights = [...recorded.keys()].sort((a, b) => a - b);
  const best = await rpc.getBlockHashes(heights);
  const stale = heights.find((height, i) => [...(recorded.get(height) ?? [])].some((hash) => hash !== best[i]));
  if (stale === undefined) return undefined;
  await markRollBack(chainName, stale - 1);
  await rollBackAbove(stale - 1, at);
  await rollBackDone(chainName, stale - 1);
  return stale;
}

/**
 * Finishes a rollback that stopped part-way (a crash, a failed write), noted on the cursor. It
 * must be finished whatever the chain looks like now: its reversal journals may be written while
 * the deposits still say credited, its spends deleted while the outputs are still unspent, its
 * scanned blocks deleted while the cursor is still above them. If the node went back to the chain
 * the scanner had (a reorg, then the old branch growing longer again), its cursor's block is in
 * the best chain again, no reorg shows, and a half-done rollback would stay so: credits taken back
 * from deposits still credited, outputs orphaned and blocks forgotten below the cursor, never
 * rescanned. Finished, the cursor at the fork point, the rescan returns what is still in the chain
 * (pending again, credited anew). Answers the cursor afterwards.
 */
export async function finishInterruptedRollBack(chainName: string, cursor: StoredChainCursor, rpc: Pick<ChainRpc, 'getBlockHash'>, at: Date): Promise<ChainCursor> {
  const above = cursor.rollingBackAbove;
  if (above === undefined) return cursor;
  await rollBackAbove(above, at);
  if (cursor.height <= above) {
    await rollBackDone(chainName, above);
    return { height: cursor.height, hash: cursor.hash };
  }
  // The block there is kept by the rollback (as rollBackToForkPoint's fork hash).
  const fork = { height: above, hash: (await scannedBlockHash(above)) ?? (await rpc.getBlockHash(above)) };
  await resetChainCursor(chainName, fork, at);
  return fork;
}

/** Every block hash some record above this height names, by height. */
async function blocksRecordedAbove(height: number): Promise<Map<number, Set<string>>> {
  const lists = await Promise.all([scannedBlocksAbove(height), liveDepositBlocksAbove(height), walletOutputBlocksAbove(height), spendBlocksAbove(height)]);
  const byHeight = new Map<number, Set<string>>();
  const add = ({ height: at, hash }: RecordedBlock): void => {
    const hashes = byHeight.get(at) ?? new Set<string>();
    hashes.add(hash);
    byHeight.set(at, hashes);
  };
  for (const list of lists) list.forEach(add);
  return byHeight;
}
