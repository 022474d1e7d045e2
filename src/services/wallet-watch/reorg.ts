import type { ChainRpc } from '../../node/rpc-client';
import { findForkHeight } from '../../chain/block/fork-point';
import { ChainCursorModel } from '../../db/chain-cursor';
import { DepositModel } from '../../db/deposit';
import { ScannedBlockModel } from '../../db/scanned-block';
import { WalletOutputModel } from '../../db/wallet-output';
import { WalletSpendModel } from '../../db/wallet-spend';
import { orphanDeposits } from './crediting';

/**
 * Undoes what the scanner recorded above the fork point with the node's best chain: deposits
 * there are orphaned (their credits reversed), outputs received there are orphaned, spends seen
 * there are forgotten, and the cursor moves back so the new chain is scanned. Each step is a
 * repeatable update keyed by height, so a crash in the middle is finished by the next pass.
 */
export async function rollBackToForkPoint(chainName: string, rpc: ChainRpc, fromHeight: number, at: Date): Promise<{ forkHeight: number; forkHash: string }> {
  const stored = await ScannedBlockModel.find({}, { hash: 1 }).lean();
  const storedHashes = new Map(stored.map((block) => [block._id, block.hash]));
  const lowest = stored.reduce((min, block) => Math.min(min, block._id), fromHeight);
  const forkHeight = await findForkHeight(
    (height) => storedHashes.get(height),
    (height) => rpc.getBlockHash(height).catch(() => undefined),
    fromHeight,
    lowest,
  );
  const forkHash = storedHashes.get(forkHeight) ?? (await rpc.getBlockHash(forkHeight));
  await rollBackAbove(forkHeight, at);
  await ChainCursorModel.updateOne({ _id: chainName }, { $set: { height: forkHeight, hash: forkHash, updatedAt: at } });
  return { forkHeight, forkHash };
}

export async function rollBackAbove(height: number, at: Date): Promise<void> {
  const orphaned = await DepositModel.find({ blockHeight: { $gt: height }, status: { $in: ['pending', 'credited'] } }).lean();
  await orphanDeposits(orphaned, at);
  await WalletSpendModel.deleteMany({ spentHeight: { $gt: height } });
  await WalletOutputModel.updateMany({ blockHeight: { $gt: height }, status: { $ne: 'orphaned' } }, { $set: { status: 'orphaned' } });
  await ScannedBlockModel.deleteMany({ _id: { $gt: height } });
}
