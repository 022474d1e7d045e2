import type { ChainRpc } from '../../node/rpc-client';
import { findForkHeight } from '../../chain/block/fork-point';
import { resetChainCursor } from './chain-cursor-store';
import { orphanDeposits } from './crediting';
import { liveDepositsAbove } from './deposit-store';
import { deleteScannedBlocksAbove, scannedBlockHashes } from './scanned-block-store';
import { dropCheckpointFrom } from './wallet-checkpoint-store';
import { orphanWalletOutputsAbove } from './wallet-output-store';
import { deleteWalletSpendsAbove } from './wallet-spend-store';

/**
 * Undoes what the scanner recorded above the fork point with the node's best chain: deposits
 * there are orphaned (their credits reversed), outputs received there are orphaned, spends seen
 * there are forgotten, and the cursor moves back so the new chain is scanned. Each step is a
 * repeatable update keyed by height, so a crash in the middle is finished by the next pass. The
 * wallet's checkpoint above the fork point goes first (wallet-checkpoint.ts): it holds outputs
 * of the orphaned blocks.
 */
export async function rollBackToForkPoint(chainName: string, rpc: ChainRpc, fromHeight: number, at: Date): Promise<{ forkHeight: number; forkHash: string }> {
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
  await rollBackAbove(forkHeight, at);
  await resetChainCursor(chainName, { height: forkHeight, hash: forkHash }, at);
  return { forkHeight, forkHash };
}

export async function rollBackAbove(height: number, at: Date): Promise<void> {
  await dropCheckpointFrom(height + 1);
  await orphanDeposits(await liveDepositsAbove(height), at);
  await deleteWalletSpendsAbove(height);
  await orphanWalletOutputsAbove(height);
  await deleteScannedBlocksAbove(height);
}
