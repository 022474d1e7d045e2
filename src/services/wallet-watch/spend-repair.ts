import { recordSpends } from './block-writes';
import { scannedBlockHash } from './scanned-block-store';
import { dropCheckpointFrom } from './wallet-checkpoint-store';
import { spendsOf } from './wallet-view';
import { deleteWalletSpendsIn } from './wallet-spend-store';

export interface MinedBlock {
  height: number;
  hash: string;
}

/** Where race tests step in. */
export interface SpendRepairHooks {
  /** The scanner's block is checked; the spends are read and written next. */
  blockChecked?: () => Promise<void>;
}

/**
 * Records the wallet's spends by `txid` that the scanner should have recorded when it read `block`
 * and did not (a scanner whose view of the wallet was stale, issue 12). Only for a block the
 * scanner stored, same height and same hash: its spends are then undone with it on a reorg, like
 * those the scanner records itself. Answers how many records were missing and are now written
 * (0: nothing was missing), or undefined when the scanner has not stored that block (yet): it
 * records the spends itself when it gets there, so nothing is written ahead of it. A wallet
 * checkpoint at or above that block counted those outputs unspent: it is removed before and after
 * the write (wallet-checkpoint.ts says why). Undefined too when that block left the scanner's
 * records while the spends were written (a reorg): they are removed again.
 */
export async function repairMissedSpends(block: MinedBlock, txid: string, outpoints: readonly string[], hooks: SpendRepairHooks = {}): Promise<number | undefined> {
  if ((await scannedBlockHash(block.height)) !== block.hash) return undefined;
  await hooks.blockChecked?.();
  const recorded = await spendsOf(outpoints);
  const missing = outpoints.filter((outpoint) => !recorded.has(outpoint));
  if (missing.length === 0) return 0;
  await dropCheckpointFrom(block.height);
  await recordSpends(missing.map((outpoint) => ({ outpoint, spentByTxid: txid, block })));
  // A reorg's rollback of that block may have run since the check above, deleting its spends
  // before this write: these would name a block no longer in the chain, below the cursor where
  // no rollback looks again, and the outputs would count as spent for good. The rollback removes
  // the scanned blocks before the spends (reorg.ts): the block still stored now means that any
  // rollback of it deletes these spends after this write.
  if ((await scannedBlockHash(block.height)) !== block.hash) {
    await deleteWalletSpendsIn(missing, block.hash);
    return undefined;
  }
  await dropCheckpointFrom(block.height);
  return missing.length;
}
