import { recordSpends } from './block-writes';
import { scannedBlockHash } from './scanned-block-store';
import { dropCheckpointFrom } from './wallet-checkpoint-store';
import { spendsOf } from './wallet-view';

export interface MinedBlock {
  height: number;
  hash: string;
}

/**
 * Records the wallet's spends by `txid` that the scanner should have recorded when it read `block`
 * and did not (a scanner whose view of the wallet was stale, issue 12). Only for a block the
 * scanner stored, same height and same hash: its spends are then undone with it on a reorg, like
 * those the scanner records itself. Answers how many records were missing and are now written
 * (0: nothing was missing), or undefined when the scanner has not stored that block (yet): it
 * records the spends itself when it gets there, so nothing is written ahead of it. A wallet
 * checkpoint at or above that block counted those outputs unspent: it is removed before and after
 * the write (wallet-checkpoint.ts says why).
 */
export async function repairMissedSpends(block: MinedBlock, txid: string, outpoints: readonly string[]): Promise<number | undefined> {
  if ((await scannedBlockHash(block.height)) !== block.hash) return undefined;
  const recorded = await spendsOf(outpoints);
  const missing = outpoints.filter((outpoint) => !recorded.has(outpoint));
  if (missing.length > 0) await dropCheckpointFrom(block.height);
  await recordSpends(missing.map((outpoint) => ({ outpoint, spentByTxid: txid, block })));
  if (missing.length > 0) await dropCheckpointFrom(block.height);
  return missing.length;
}
